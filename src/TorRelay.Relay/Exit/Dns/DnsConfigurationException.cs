namespace TorRelay.Relay.Exit.Dns;

/// <summary>The resolver configuration cannot be read and ServerDNSAllowBrokenConfig is 0 (C tor: "exiting").</summary>
public sealed class DnsConfigurationException(string message) : Exception(message);
