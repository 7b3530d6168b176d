using System.Net;
using System.Net.Sockets;

namespace TorRelay.Metrics.Policy;

/// <summary>
/// One expanded MetricsPortPolicy entry: accept or reject an IPv4 or IPv6 network. Ports are not
/// kept: tor's load_policy_from_option widens every entry to ports 1-65535.
/// </summary>
internal readonly record struct AddressPolicyRule(bool Accept, AddressFamily Family, UInt128 Network, int MaskBits)
{
    /// <summary>tor_addr_compare_masked(..., CMP_EXACT) == 0: same family and the same first MaskBits bits.</summary>
    public bool Matches(AddressFamily family, UInt128 address)
    {
        if (family != Family)
            return false;
        int width = family == AddressFamily.InterNetwork ? 32 : 128;
        if (MaskBits <= 0)
            return true;
        int shift = width - Math.Min(MaskBits, width);
        return (address >> shift) == (Network >> shift);
    }

    /// <summary>The address as an integer of 32 (IPv4) or 128 (IPv6) bits, most significant first.</summary>
    public static UInt128 ToInteger(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out int written);
        UInt128 value = 0;
        for (int i = 0; i < written; i++)
            value = (value << 8) | bytes[i];
        return value;
    }
}
