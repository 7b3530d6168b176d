using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace TorRelay.Directory.Policy;

/// <summary>
/// An address as policies compare it (tor_addr_t): a family and a number, IPv4 in the low 32 bits. The
/// classifications are C tor's (lib/net/address.c), which differ from the BCL's.
/// </summary>
internal readonly record struct PolicyAddress(AddressFamily Family, UInt128 Bits)
{
    /// <summary>Converts without allocating; false for families other than IPv4 and IPv6.</summary>
    public static bool TryFrom(IPAddress address, out PolicyAddress result)
    {
        Span<byte> bytes = stackalloc byte[16];
        result = default;
        if (!address.TryWriteBytes(bytes, out int written))
            return false;
        if (address.AddressFamily == AddressFamily.InterNetwork && written == 4)
            result = new(AddressFamily.InterNetwork, BinaryPrimitives.ReadUInt32BigEndian(bytes));
        else if (address.AddressFamily == AddressFamily.InterNetworkV6 && written == 16)
            result = new(AddressFamily.InterNetworkV6, BinaryPrimitives.ReadUInt128BigEndian(bytes));
        else
            return false;
        return true;
    }

    public static PolicyAddress From(IPAddress address) =>
        TryFrom(address, out PolicyAddress a) ? a : throw new ArgumentException("not an IPv4 or IPv6 address", nameof(address));

    public IPAddress ToIPAddress()
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, Bits);
        return Family == AddressFamily.InterNetwork ? new IPAddress(bytes[12..]) : new IPAddress(bytes);
    }

    public bool IsIPv6 => Family == AddressFamily.InterNetworkV6;

    /// <summary>tor_addr_is_null: all zeroes.</summary>
    public bool IsNull => Bits == 0;

    /// <summary>tor_addr_is_v4: IPv4, or IPv4-mapped IPv6 (::ffff:a.b.c.d).</summary>
    public bool IsV4 => !IsIPv6 || IsV4Mapped;

    private bool IsV4Mapped => IsIPv6 && (Bits >> 32) == 0xFFFF;

    /// <summary>
    /// tor_addr_is_internal(addr, 0): 10/8, 0/8, 127/8, 100.64/10, 169.254/16, 172.16/12, 192.168/16 (also when
    /// IPv4-mapped); fc00::/7, fe80::/10, fec0::/10 and ::/127.
    /// </summary>
    public bool IsInternal
    {
        get
        {
            if (!IsIPv6 || IsV4Mapped)
            {
                uint v4 = (uint)Bits;
                return (v4 >> 24) is 10 or 0 or 127 || (v4 & 0xFFC00000) == 0x64400000 ||
                       (v4 >> 16) == 0xA9FE || (v4 & 0xFFF00000) == 0xAC100000 || (v4 >> 16) == 0xC0A8;
            }
            uint top = (uint)(Bits >> 96);
            return (top & 0xFE000000) == 0xFC000000 || (top & 0xFFC00000) is 0xFE800000 or 0xFEC00000 || Bits <= 1;
        }
    }

    /// <summary>tor_addr_is_multicast as C tor has it: 224.0.0.0/8 (only that /8) and ff00::/8.</summary>
    public bool IsMulticast => IsIPv6 ? (Bits >> 120) == 0xFF : ((uint)Bits >> 24) == 0xE0;

    /// <summary>tor_addr_compare_masked(a, b, bits, CMP_EXACT) == 0: same family and the same top bits.</summary>
    public bool MatchesMasked(PolicyAddress other, int maskBits)
    {
        if (Family != other.Family)
            return false;
        int width = IsIPv6 ? 128 : 32;
        int bits = Math.Min(maskBits, width);
        return bits <= 0 || (Bits >> (width - bits)) == (other.Bits >> (width - bits));
    }

    /// <summary>tor_addr_to_str(..., decorate=1): IPv6 in brackets.</summary>
    public override string ToString() =>
        IsIPv6 ? "[" + TorAddressText.FormatIPv6(Bits) + "]" : TorAddressText.FormatIPv4((uint)Bits);
}
