using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace TorRelay.Host.Config;

/// <summary>
/// Validates torrc address-policy entries (ExitPolicy, MetricsPortPolicy) as tor's
/// router_parse_addr_policy_item_from_string with TAPMP_EXTENDED_STAR and tor_addr_parse_mask_ports:
/// <c>accept|reject|accept6|reject6 ADDR[/MASK][:PORT]</c>, ADDR being <c>*</c>, <c>*4</c>, <c>*6</c>, an IPv4
/// address, a bracketed IPv6 address or <c>private</c>; MASK bits or an IPv4 netmask; PORT <c>*</c>, N or N-M.
/// </summary>
public static class PolicyRuleSyntax
{
    /// <summary>Splits a value at commas (skipping blanks) and validates each rule; returns them normalised.</summary>
    public static IReadOnlyList<string> ParseLine(ConfigLine line)
    {
        var rules = new List<string>();
        foreach (string entry in line.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!TryParseRule(entry, out string normalized, out string error))
                throw ConfigException.At(line, $"Invalid policy entry '{entry}': {error}");
            rules.Add(normalized);
        }
        return rules;
    }

    /// <summary>Validates one rule; <paramref name="normalized"/> is "keyword pattern" with single spacing.</summary>
    public static bool TryParseRule(string rule, out string normalized, out string error)
    {
        normalized = "";
        string[] parts = rule.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0 || parts[0] is not ("accept" or "reject" or "accept6" or "reject6"))
            return Fail("Expected 'accept' or 'reject'.", out error);
        if (parts.Length != 2)
            return Fail("Expected exactly one address pattern after the keyword.", out error);
        string keyword = parts[0], pattern = parts[1];
        bool v6Keyword = keyword.EndsWith('6');

        if (pattern.StartsWith("private", StringComparison.Ordinal))
        {
            string rest = pattern["private".Length..];
            if (rest.Length == 0 || rest[0] != ':' || !TryParsePorts(rest[1..], out error))
                return Fail("'private' needs a port, as in 'private:*'.", out error);
        }
        else if (!TryParsePattern(pattern, v6Keyword, out error))
        {
            return false;
        }
        normalized = keyword + " " + pattern;
        error = "";
        return true;
    }

    private static bool TryParsePattern(string s, bool v6Keyword, out string error)
    {
        string address = s;
        string? mask = null, ports = null;
        int searchFrom = 0;
        if (s.StartsWith('['))
        {
            int close = s.IndexOf(']');
            if (close < 0)
                return Fail("No closing IPv6 bracket in address pattern.", out error);
            searchFrom = close;
        }
        int slash = s.IndexOf('/', searchFrom);
        int colon = s.IndexOf(':', slash >= 0 ? slash : searchFrom);
        if (colon >= 0)
        {
            ports = s[(colon + 1)..];
            address = s[..colon];
        }
        if (slash >= 0)
        {
            mask = address[(slash + 1)..];
            address = address[..slash];
        }
        if (address.StartsWith('['))
            address = address[1..address.IndexOf(']')];

        bool any = address is "*" or "*4" or "*6";
        AddressFamily family;
        if (address == "*")
            family = v6Keyword ? AddressFamily.InterNetworkV6 : AddressFamily.Unspecified;
        else if (address == "*4")
            family = AddressFamily.InterNetwork;
        else if (address == "*6")
            family = AddressFamily.InterNetworkV6;
        else if (address.Contains(':') && IPAddress.TryParse(address, out IPAddress? v6) &&
                 v6.AddressFamily == AddressFamily.InterNetworkV6 && !address.Contains('%'))
            family = AddressFamily.InterNetworkV6;
        else if (ValueParsers.TryParseIPv4(address, out _))
            family = AddressFamily.InterNetwork;
        else
            return Fail($"Malformed IP '{address}' in address pattern.", out error);

        if (v6Keyword && family == AddressFamily.InterNetwork)
            return Fail("IPv4 address with accept6/reject6 (use accept/reject with IPv4 addresses).", out error);

        if (mask is not null)
        {
            if (any)
                return Fail("Found bit prefix with wildcard address.", out error);
            if (int.TryParse(mask, NumberStyles.None, CultureInfo.InvariantCulture, out int bits))
            {
                if (bits > 128 || (family == AddressFamily.InterNetwork && bits > 32))
                    return Fail($"Bad number of mask bits ({bits}) on address range.", out error);
            }
            else if (!(ValueParsers.TryParseIPv4(mask, out IPAddress? m) && IsPrefixMask(m)))
            {
                return Fail($"Malformed mask '{mask}' on address range.", out error);
            }
        }
        return TryParsePorts(ports, out error);
    }

    private static bool IsPrefixMask(IPAddress mask)
    {
        byte[] b = mask.GetAddressBytes();
        uint v = (uint)(b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3]);
        return (~v & (~v + 1)) == 0; // the inverted mask is 2^k - 1
    }

    /// <summary>parse_port_range: empty or "*" is every port; N or N-M with N ≤ M.</summary>
    private static bool TryParsePorts(string? ports, out string error)
    {
        error = "";
        if (string.IsNullOrEmpty(ports) || ports == "*")
            return true;
        int dash = ports.IndexOf('-');
        string lo = dash < 0 ? ports : ports[..dash];
        string? hi = dash < 0 ? null : ports[(dash + 1)..];
        if (!ValueParsers.TryParsePort(lo, out int min) ||
            (hi is not null && (!ValueParsers.TryParsePort(hi, out int max) || max == 0 || max < min)))
        {
            return Fail($"Malformed port '{ports}' on address range.", out error);
        }
        return true;
    }

    private static bool Fail(string message, out string error)
    {
        error = message;
        return false;
    }
}
