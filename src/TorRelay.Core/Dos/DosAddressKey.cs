using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace TorRelay.Core.Dos;

/// <summary>
/// The per-address key of the DoS tables: the full address, IPv6 included (C tor's geoip client cache compares
/// whole addresses; it does not group IPv6 by /64). An IPv4-mapped IPv6 address counts as its IPv4 address, and the
/// scope id is ignored. Built without allocating.
/// </summary>
internal readonly record struct DosAddressKey(ulong High, ulong Low, bool IsV6)
{
    public static DosAddressKey From(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out int written);
        if (written == 4) return new DosAddressKey(0, BinaryPrimitives.ReadUInt32BigEndian(bytes), false);
        if (address.AddressFamily == AddressFamily.InterNetworkV6 && address.IsIPv4MappedToIPv6)
            return new DosAddressKey(0, BinaryPrimitives.ReadUInt32BigEndian(bytes[12..]), false);
        return new DosAddressKey(BinaryPrimitives.ReadUInt64BigEndian(bytes), BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]), true);
    }
}
