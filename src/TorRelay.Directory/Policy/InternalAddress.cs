using System.Net;
using System.Net.Sockets;

namespace TorRelay.Directory.Policy;

/// <summary>
/// C tor's tor_addr_is_internal(addr, 0), the one test every role uses for "private" addresses (directory requests,
/// EXTEND2 targets, reverse lookups, exit policies): see <see cref="PolicyAddress.IsInternal"/> for the ranges.
/// An address that is neither IPv4 nor IPv6 counts as internal.
/// </summary>
public static class InternalAddress
{
    public static bool Is(IPAddress address) => !PolicyAddress.TryFrom(address, out var a) || a.IsInternal;

    /// <summary>
    /// C tor's is_local_to_resolve_addr: internal, or (with EnforceDistinctSubnets, tor's default) in the /24 (IPv4)
    /// or /48 (IPv6) of one of our own addresses. Used where a peer's address proves nothing about the outside world:
    /// no X-Your-Address-Is for it, and no reachability from its CREATE cells.
    /// </summary>
    public static bool IsLocalTo(IPAddress address, IEnumerable<IPAddress> ours, bool enforceDistinctSubnets = true)
    {
        address = Normalize(address);
        if (Is(address)) return true;
        if (!enforceDistinctSubnets) return false;
        int prefixBytes = address.AddressFamily == AddressFamily.InterNetwork ? 3 : 6;
        Span<byte> x = stackalloc byte[16], y = stackalloc byte[16];
        address.TryWriteBytes(x, out _);
        foreach (var own in ours)
        {
            var o = Normalize(own);
            if (o.AddressFamily != address.AddressFamily) continue;
            o.TryWriteBytes(y, out _);
            if (x[..prefixBytes].SequenceEqual(y[..prefixBytes])) return true;
        }
        return false;
    }

    private static IPAddress Normalize(IPAddress a) => a.IsIPv4MappedToIPv6 ? a.MapToIPv4() : a;
}
