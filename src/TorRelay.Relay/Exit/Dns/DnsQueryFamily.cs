namespace TorRelay.Relay.Exit.Dns;

/// <summary>Which address records a lookup asks for (A, AAAA or both), as the BEGIN flags and IPv6Exit allow.</summary>
[Flags]
public enum DnsQueryFamily
{
    Ipv4 = 1,
    Ipv6 = 2,
    Both = Ipv4 | Ipv6,
}
