using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace TorRelay.Metrics.Policy;

/// <summary>
/// Parses one address-policy entry as C tor's router_parse_addr_policy_item_from_string does with
/// TAPMP_EXTENDED_STAR and no assumed action: <c>accept|reject|accept6|reject6 ADDR[/MASK][:PORTS]</c>
/// or <c>... private:PORTS</c>. A malformed entry fails the whole policy (tor discards the list);
/// an accept6/reject6 entry whose address is not IPv6 is ignored, as tor ignores it.
/// </summary>
internal static class PolicyEntryParser
{
    /// <summary>tor's MAX_ADDRESS_LENGTH: TOR_ADDR_BUF_LEN + 2 + (1 + INET_NTOA_BUF_LEN) + 12 + 1.</summary>
    private const int MaxAddressLength = 48 + 2 + (1 + 16) + 12 + 1;

    /// <summary>private_nets[] of policies.c, expanded in this order by policy_expand_private.</summary>
    private static readonly string[] PrivateNets =
    [
        "0.0.0.0/8", "169.254.0.0/16", "127.0.0.0/8", "192.168.0.0/16", "10.0.0.0/8", "172.16.0.0/12",
        "[::]/8", "[fc00::]/7", "[fe80::]/10", "[fec0::]/10", "[ff00::]/8", "[::]/127",
    ];

    /// <summary>Appends the expanded rules of <paramref name="entry"/> (none when tor would ignore it).</summary>
    public static bool TryParse(string entry, List<AddressPolicyRule> rules, out string error)
    {
        string[] tokens = entry.Split([' ', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries);
        if (tokens.Length == 0 || tokens[0] is not ("accept" or "reject" or "accept6" or "reject6"))
            return Fail($"Expected 'accept' or 'reject' in '{entry}'.", out error);
        if (tokens.Length != 2)
            return Fail($"Expected one address pattern in '{entry}'.", out error);
        bool accept = tokens[0].StartsWith("accept", StringComparison.Ordinal);
        bool v6Keyword = tokens[0].EndsWith('6');
        string arg = tokens[1];

        if (arg.StartsWith("private", StringComparison.Ordinal))
        {
            string rest = arg["private".Length..];
            if (rest.Length == 0 || rest[0] != ':' || !IsPortRange(rest[1..]))
                return Fail($"Malformed 'private' entry '{entry}'.", out error);
            error = "";
            // tor leaves a private entry's address AF_UNSPEC, so its accept6/reject6 family check drops it.
            if (v6Keyword)
                return true;
            foreach (string net in PrivateNets)
            {
                TryParsePattern(net, v6Keyword: false, out Pattern p, out _);
                rules.Add(new AddressPolicyRule(accept, p.Family, p.Network, p.MaskBits));
            }
            return true;
        }

        if (!TryParsePattern(arg, v6Keyword, out Pattern pattern, out error))
            return false;
        if (v6Keyword && pattern.Family != AddressFamily.InterNetworkV6)
            return true; // tor: "IPv4 address ... with accept6/reject6 field type ... Ignoring"
        if (pattern.Family == AddressFamily.Unspecified)
        {
            // policy_expand_unspec: "*" is an IPv4 and an IPv6 wildcard.
            rules.Add(new AddressPolicyRule(accept, AddressFamily.InterNetwork, 0, 0));
            rules.Add(new AddressPolicyRule(accept, AddressFamily.InterNetworkV6, 0, 0));
        }
        else
        {
            rules.Add(new AddressPolicyRule(accept, pattern.Family, pattern.Network, pattern.MaskBits));
        }
        return true;
    }

    private readonly record struct Pattern(AddressFamily Family, UInt128 Network, int MaskBits);

    /// <summary>tor_addr_parse_mask_ports with TAPMP_EXTENDED_STAR (and STAR_IPV6_ONLY for accept6/reject6).</summary>
    private static bool TryParsePattern(string s, bool v6Keyword, out Pattern pattern, out string error)
    {
        pattern = default;
        if (s.Length > MaxAddressLength)
            return Fail($"Impossibly long address pattern '{s}'.", out error);

        string address = s;
        int searchFrom = 0;
        int rbracket = -1;
        if (s.StartsWith('['))
        {
            rbracket = s.IndexOf(']');
            if (rbracket < 0)
                return Fail($"No closing IPv6 bracket in '{s}'.", out error);
            searchFrom = rbracket;
        }
        int slash = s.IndexOf('/', searchFrom);
        int colon = s.IndexOf(':', slash >= 0 ? slash : searchFrom);
        string? ports = colon >= 0 ? s[(colon + 1)..] : null;
        int addressEnd = rbracket >= 0 ? rbracket : slash >= 0 ? slash : colon >= 0 ? colon : s.Length;
        address = rbracket >= 0 ? s[1..addressEnd] : s[..addressEnd];
        string? mask = slash >= 0 ? s[(slash + 1)..(colon >= 0 ? colon : s.Length)] : null;

        AddressFamily family;
        UInt128 network = 0;
        bool any = false;
        if (address == "*")
        {
            family = v6Keyword ? AddressFamily.InterNetworkV6 : AddressFamily.Unspecified;
            any = true;
        }
        else if (address == "*4")
        {
            family = AddressFamily.InterNetwork;
            any = true;
        }
        else if (address == "*6")
        {
            family = AddressFamily.InterNetworkV6;
            any = true;
        }
        else if (TryParseIPv6(address, out IPAddress? v6))
        {
            family = AddressFamily.InterNetworkV6;
            network = AddressPolicyRule.ToInteger(v6);
        }
        else if (TryParseIPv4(address, out uint v4))
        {
            family = AddressFamily.InterNetwork;
            network = v4;
        }
        else
        {
            return Fail($"Malformed IP '{address}' in address pattern.", out error);
        }

        int bits;
        if (mask is not null)
        {
            if (TryParseStrtol(mask, out long n))
            {
                if (n < 0 || n > 128 || (family == AddressFamily.InterNetwork && n > 32))
                    return Fail($"Bad number of mask bits ({n}) on address range.", out error);
                bits = (int)n;
            }
            else if (TryParseIPv4(mask, out uint m) && PrefixBits(m) is int prefix and >= 0)
            {
                bits = prefix;
            }
            else
            {
                return Fail($"Malformed mask on address range '{s}'.", out error);
            }
            if (family == AddressFamily.InterNetworkV6 && IsV4Mapped(network))
            {
                if (bits > 32 && bits < 96)
                    return Fail($"Bad mask bits {bits} for V4-mapped V6 address.", out error);
                bits = 96 + bits % 32; // as tor maps v4-mapped masks onto 96-128 bits
            }
            if (any)
                return Fail("Found bit prefix with wildcard address.", out error);
        }
        else
        {
            bits = any ? 0 : family == AddressFamily.InterNetwork ? 32 : 128;
        }

        if (!IsPortRange(ports))
            return Fail($"Malformed port '{ports}' on address range.", out error);
        pattern = new Pattern(family, network, bits);
        error = "";
        return true;
    }

    /// <summary>tor_inet_aton: exactly four decimal octets of 1-3 digits, no leading zeros, each ≤ 255.</summary>
    private static bool TryParseIPv4(string s, out uint value)
    {
        value = 0;
        string[] parts = s.Split('.');
        if (parts.Length != 4)
            return false;
        foreach (string part in parts)
        {
            if (part.Length is 0 or > 3 || (part.Length > 1 && part[0] == '0') || !part.All(char.IsAsciiDigit))
                return false;
            uint octet = uint.Parse(part, CultureInfo.InvariantCulture);
            if (octet > 255)
                return false;
            value = (value << 8) | octet;
        }
        return true;
    }

    /// <summary>tor_inet_pton(AF_INET6): a literal IPv6 address (no zone, no needless trailing ':').</summary>
    private static bool TryParseIPv6(string s, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IPAddress? address)
    {
        address = null;
        if (!s.Contains(':') || s.Contains('%') || (s.Length > 2 && s[^1] == ':' && s[^2] != ':'))
            return false;
        return IPAddress.TryParse(s, out address) && address.AddressFamily == AddressFamily.InterNetworkV6;
    }

    /// <summary>strtol(mask, &amp;end, 10) consuming everything (an empty mask is 0, as in tor).</summary>
    private static bool TryParseStrtol(string s, out long value)
    {
        value = 0;
        if (s.Length == 0)
            return true;
        return long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>addr_mask_get_bits: the prefix length of a contiguous netmask, else -1.</summary>
    private static int PrefixBits(uint mask)
    {
        if (mask == 0)
            return 0;
        int bits = System.Numerics.BitOperations.LeadingZeroCount(~mask);
        return mask == uint.MaxValue << (32 - bits) ? bits : -1;
    }

    private static bool IsV4Mapped(UInt128 v6) => (v6 >> 32) == 0xFFFF;

    /// <summary>parse_port_range: empty or "*", N, or N-M with N ≤ M (only validated; ports are ignored).</summary>
    private static bool IsPortRange(string? ports)
    {
        if (string.IsNullOrEmpty(ports) || ports == "*")
            return true;
        int dash = ports.IndexOf('-');
        string lo = dash < 0 ? ports : ports[..dash];
        if (!int.TryParse(lo, NumberStyles.None, CultureInfo.InvariantCulture, out int min) || min > 65535)
            return false;
        if (dash < 0)
            return true;
        return int.TryParse(ports[(dash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out int max) &&
               max is >= 1 and <= 65535 && min <= max;
    }

    private static bool Fail(string message, out string error)
    {
        error = message;
        return false;
    }
}
