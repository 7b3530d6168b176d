using System.Net;

namespace TorRelay.Directory.Policy;

/// <summary>
/// C tor's tor_addr_is_internal(addr, 0), the one test every role uses for "private" addresses (directory requests,
/// EXTEND2 targets, reverse lookups, exit policies): see <see cref="PolicyAddress.IsInternal"/> for the ranges.
/// An address that is neither IPv4 nor IPv6 counts as internal.
/// </summary>
public static class InternalAddress
{
    public static bool Is(IPAddress address) => !PolicyAddress.TryFrom(address, out var a) || a.IsInternal;
}
