using System.Net;

namespace TorRelay.Host.Config;

/// <summary>The addresses one OutboundBindAddress* option binds outgoing sockets to, at most one per family.</summary>
public sealed record OutboundBindAddresses(IPAddress? IPv4, IPAddress? IPv6)
{
    public static OutboundBindAddresses None { get; } = new(null, null);
}
