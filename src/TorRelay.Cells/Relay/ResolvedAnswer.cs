using System.Net;
using System.Net.Sockets;
using System.Text;

namespace TorRelay.Cells.Relay;

/// <summary>One answer of RELAY_RESOLVED: type (1) | length (1) | value | TTL (4).</summary>
public readonly record struct ResolvedAnswer(ResolvedType Type, ReadOnlyMemory<byte> Value, uint Ttl)
{
    public static ResolvedAnswer FromAddress(IPAddress address, uint ttl) =>
        new(address.AddressFamily == AddressFamily.InterNetwork ? ResolvedType.Ipv4 : ResolvedType.Ipv6,
            address.GetAddressBytes(), ttl);

    public static ResolvedAnswer FromHostname(string hostname, uint ttl) =>
        new(ResolvedType.Hostname, Encoding.Latin1.GetBytes(hostname), ttl);

    public static ResolvedAnswer Error(bool transient, uint ttl = 0) =>
        new(transient ? ResolvedType.ErrorTransient : ResolvedType.ErrorNonTransient, ReadOnlyMemory<byte>.Empty, ttl);

    public IPAddress? Address => Type is ResolvedType.Ipv4 or ResolvedType.Ipv6 ? new IPAddress(Value.Span) : null;
    public string? Hostname => Type == ResolvedType.Hostname ? Encoding.Latin1.GetString(Value.Span) : null;
    public bool IsError => Type is ResolvedType.ErrorTransient or ResolvedType.ErrorNonTransient;
}
