using System.Net.Sockets;

namespace TorRelay.Directory.Policy;

/// <summary>
/// torrc policy entries as C tor reads them: parse_addr_policy splits a value at commas, and each entry goes
/// through router_parse_addr_policy_item_from_string (the netdoc tokenizer, then tor_addr_parse_mask_ports with
/// TAPMP_EXTENDED_STAR), after which "private" and "*" are expanded (policy_expand_private, policy_expand_unspec).
/// </summary>
internal static class PolicyEntryParser
{
    /// <summary>MAX_ADDRESS_LENGTH: TOR_ADDR_BUF_LEN + 2 + (1 + INET_NTOA_BUF_LEN) + 12 + 1.</summary>
    private const int MaxAddressLength = 48 + 2 + (1 + 16) + 12 + 1;

    private enum Outcome { Parsed, Ignored, Malformed }

    /// <summary>parse_addr_policy for one config line: all entries, or none if any is malformed.</summary>
    public static bool TryParseValue(string value, List<PolicyRule> dest, out string error, ICollection<string>? warnings)
    {
        var parsed = new List<PolicyRule>();
        error = "";
        foreach (string entry in SplitEntries(value))
        {
            if (ParseEntry(entry, parsed, out string message) == Outcome.Malformed)
            {
                // C tor logs each bad entry and goes on before discarding the list; the first one is reported.
                if (error.Length == 0)
                    error = $"Malformed policy '{entry}': {message}";
            }
            else if (message.Length > 0)
            {
                warnings?.Add(message);
            }
        }
        if (error.Length > 0)
            return false;
        dest.AddRange(parsed);
        return true;
    }

    /// <summary>
    /// One entry (no commas): false with C tor's reason when malformed; an entry C tor ignores adds no rules and
    /// gives its warning in <paramref name="ignored"/>.
    /// </summary>
    public static bool TryParseEntry(string entry, List<PolicyRule> dest, out string error, out string ignored)
    {
        Outcome outcome = ParseEntry(entry, dest, out string message);
        error = outcome == Outcome.Malformed ? message : "";
        ignored = outcome == Outcome.Ignored ? message : "";
        return outcome != Outcome.Malformed;
    }

    /// <summary>smartlist_split_string(value, ",", SPLIT_SKIP_SPACE | SPLIT_IGNORE_BLANK).</summary>
    private static IEnumerable<string> SplitEntries(string value)
    {
        foreach (string piece in value.Split(','))
        {
            string trimmed = piece.Trim(CSpace);
            if (trimmed.Length > 0)
                yield return trimmed;
        }
    }

    private static readonly char[] CSpace = [' ', '\t', '\n', '\v', '\f', '\r'];

    /// <summary>router_parse_addr_policy_item_from_string(entry, -1) plus expansion, appending to <paramref name="dest"/>.</summary>
    private static Outcome ParseEntry(string entry, List<PolicyRule> dest, out string message)
    {
        if (!TryTokenize(entry, out string keyword, out List<string> args, out message))
            return Outcome.Malformed;
        if (keyword is not ("accept" or "reject" or "accept6" or "reject6"))
        {
            message = "Expected 'accept' or 'reject'.";
            return Outcome.Malformed;
        }
        if (args.Count != 1)
        {
            message = "Expected exactly one address pattern.";
            return Outcome.Malformed;
        }

        var action = keyword.StartsWith("accept", StringComparison.Ordinal) ? PolicyAction.Accept : PolicyAction.Reject;
        bool v6Keyword = keyword.EndsWith('6');
        string arg = args[0];
        if (arg.StartsWith("private", StringComparison.Ordinal))
        {
            // router_parse_addr_policy_private: "private" then ':' and ports (whitespace cannot occur inside an arg).
            ReadOnlySpan<char> rest = arg.AsSpan("private".Length);
            if (rest.Length == 0 || rest[0] != ':' || !TryParsePortRange(rest[1..], out ushort min, out ushort max, out message))
            {
                if (message.Length == 0)
                    message = "'private' needs ':' and ports.";
                return Outcome.Malformed;
            }
            if (v6Keyword)
            {
                // The private entry's address is AF_UNSPEC, so the accept6/reject6 family check drops it,
                // although the man page (and C tor's first warning) says it expands to IPv4 and IPv6 rules.
                message = $"'{arg}' with accept6/reject6 field type in exit policy. Ignoring, but continuing to parse " +
                          "rules. (Use accept/reject private:* for IPv4 and IPv6.)";
                return Outcome.Ignored;
            }
            foreach (PrivateNetworks.Network net in PrivateNetworks.All)
                dest.Add(new PolicyRule(action, net.Address, net.MaskBits, min, max));
            return Outcome.Parsed;
        }

        if (!TryParseMaskPorts(arg, starIsIPv6: v6Keyword, out Pattern p, out message))
            return Outcome.Malformed;
        if (v6Keyword && p.Family != AddressFamily.InterNetworkV6)
        {
            message = $"IPv4 address '{arg}' with accept6/reject6 field type in exit policy. Ignoring, but continuing " +
                      "to parse rules. (Use accept/reject with IPv4 addresses.)";
            return Outcome.Ignored;
        }
        if (p.Family == AddressFamily.Unspecified)
        {
            dest.Add(PolicyRule.Wildcard(action, AddressFamily.InterNetwork, p.PortMin, p.PortMax));
            dest.Add(PolicyRule.Wildcard(action, AddressFamily.InterNetworkV6, p.PortMin, p.PortMax));
        }
        else
        {
            dest.Add(new PolicyRule(action, new PolicyAddress(p.Family, p.Bits), p.MaskBits, p.PortMin, p.PortMax));
        }
        return Outcome.Parsed;
    }

    /// <summary>
    /// get_next_token's view of one line: a keyword (after an optional "opt"), then arguments split at whitespace.
    /// '#' ends a word; after it the rest of the line is only a comment when a space precedes it.
    /// </summary>
    private static bool TryTokenize(string entry, out string keyword, out List<string> args, out string message)
    {
        keyword = "";
        args = [];
        message = "";
        int nul = entry.IndexOf('\0');
        ReadOnlySpan<char> s = nul < 0 ? entry : entry.AsSpan(0, nul);
        int pos = EatWhitespace(s, 0);
        int eol = s[pos..].IndexOf('\n') is var nl and >= 0 ? pos + nl : s.Length;
        if (pos == s.Length)
        {
            message = "Unexpected EOF";
            return false;
        }
        int next = FindWhitespace(s, pos, eol);
        if (s[pos..next].SequenceEqual("opt"))
        {
            pos = EatSpaces(s, next, eol);
            next = FindWhitespace(s, pos, eol);
        }
        keyword = s[pos..next].ToString();

        pos = EatSpaces(s, next, eol);
        while (pos < eol)
        {
            int end = FindWhitespace(s, pos, eol);
            args.Add(s[pos..end].ToString());
            if (end >= eol)
                break;
            pos = EatWhitespace(s[..eol], end + 1);
        }
        return true;
    }

    /// <summary>eat_whitespace: spaces, tabs, CR, LF and '#' comments up to the end of their line.</summary>
    private static int EatWhitespace(ReadOnlySpan<char> s, int pos)
    {
        while (pos < s.Length)
        {
            if (s[pos] is ' ' or '\t' or '\n' or '\r')
            {
                pos++;
            }
            else if (s[pos] == '#')
            {
                while (pos < s.Length && s[pos] != '\n')
                    pos++;
            }
            else
            {
                break;
            }
        }
        return pos;
    }

    /// <summary>eat_whitespace_eos_no_nl: spaces, tabs and CR.</summary>
    private static int EatSpaces(ReadOnlySpan<char> s, int pos, int eol)
    {
        while (pos < eol && s[pos] is ' ' or '\t' or '\r')
            pos++;
        return pos;
    }

    /// <summary>find_whitespace_eos: the next space, tab, CR, LF or '#'.</summary>
    private static int FindWhitespace(ReadOnlySpan<char> s, int pos, int eol)
    {
        while (pos < eol && s[pos] is not (' ' or '\t' or '\r' or '\n' or '#'))
            pos++;
        return pos;
    }

    /// <summary>A parsed address pattern; Family Unspecified is the "*" that means both families.</summary>
    internal readonly record struct Pattern(AddressFamily Family, UInt128 Bits, int MaskBits, ushort PortMin, ushort PortMax);

    /// <summary>
    /// tor_addr_parse_mask_ports with TAPMP_EXTENDED_STAR: ADDR[/MASK][:PORTS], ADDR being *, *4, *6, IPv4 or
    /// [IPv6]; "*" is both families, or IPv6 only with <paramref name="starIsIPv6"/> (TAPMP_STAR_IPV6_ONLY).
    /// </summary>
    internal static bool TryParseMaskPorts(string s, bool starIsIPv6, out Pattern pattern, out string message)
    {
        pattern = default;
        if (s.Length > MaxAddressLength)
            return Fail($"Impossibly long IP \"{s}\"; rejecting.", out message);

        // Split as C tor does: the mask after ']' (if bracketed), the ports after the mask; text between ']' and
        // the mask or ports is ignored.
        int addressStart = 0, rbracket = -1;
        if (s.StartsWith('['))
        {
            addressStart = 1;
            rbracket = s.IndexOf(']', 1);
            if (rbracket < 0)
                return Fail("No closing IPv6 bracket in address pattern; rejecting.", out message);
        }
        int searchFrom = rbracket >= 0 ? rbracket : 0;
        int slash = s.IndexOf('/', searchFrom);
        int colon = s.IndexOf(':', slash >= 0 ? slash : searchFrom);
        int addressEnd = rbracket >= 0 ? rbracket : slash >= 0 ? slash : colon >= 0 ? colon : s.Length;
        ReadOnlySpan<char> address = s.AsSpan(addressStart, addressEnd - addressStart);
        ReadOnlySpan<char> mask = slash >= 0 ? s.AsSpan(slash + 1, (colon >= 0 ? colon : s.Length) - slash - 1) : default;
        ReadOnlySpan<char> ports = colon >= 0 ? s.AsSpan(colon + 1) : default;

        AddressFamily family;
        UInt128 bits = 0;
        bool any = true;
        if (address.SequenceEqual("*"))
            family = starIsIPv6 ? AddressFamily.InterNetworkV6 : AddressFamily.Unspecified;
        else if (address.SequenceEqual("*4"))
            family = AddressFamily.InterNetwork;
        else if (address.SequenceEqual("*6"))
            family = AddressFamily.InterNetworkV6;
        else
        {
            any = false;
            if (TorAddressText.TryParseIPv6(address, out bits))
                family = AddressFamily.InterNetworkV6;
            else if (TorAddressText.TryParseIPv4(address, out uint v4))
                (family, bits) = (AddressFamily.InterNetwork, v4);
            else
                return Fail($"Malformed IP \"{address}\" in address pattern; rejecting.", out message);
        }

        int maskBits;
        if (slash >= 0)
        {
            if (!TryParseMask(mask, family, out maskBits, out message))
                return false;
            if (family == AddressFamily.InterNetworkV6 && new PolicyAddress(family, bits).IsV4)
            {
                if (maskBits > 32 && maskBits < 96)
                    return Fail($"Bad mask bits {maskBits} for V4-mapped V6 address; rejecting.", out message);
                maskBits = 96 + maskBits % 32; // C tor's mapping, under which /128 becomes /96
            }
            if (any)
                return Fail("Found bit prefix with wildcard address; rejecting", out message);
        }
        else
        {
            maskBits = any ? 0 : family == AddressFamily.InterNetwork ? 32 : 128;
        }

        if (!TryParsePortRange(colon >= 0 ? ports : default, out ushort min, out ushort max, out message))
            return false;
        pattern = new Pattern(family, bits, maskBits, min, max);
        return true;
    }

    /// <summary>"(int) strtol(mask, &amp;end, 10)" consuming the whole mask (so "" is 0), else an IPv4 netmask.</summary>
    private static bool TryParseMask(ReadOnlySpan<char> mask, AddressFamily family, out int bits, out string message)
    {
        message = "";
        long n = CNumber.Strtol(mask, out int end, out _);
        if (end == mask.Length)
        {
            bits = unchecked((int)n);
            if (bits < 0 || bits > 128 || (family == AddressFamily.InterNetwork && bits > 32))
                return Fail($"Bad number of mask bits ({bits}) on address range; rejecting.", out message);
            return true;
        }
        bits = 0;
        if (!TorAddressText.TryParseIPv4(mask, out uint netmask))
            return Fail("Malformed mask on address range; rejecting.", out message);
        // addr_mask_get_bits: a contiguous netmask.
        bits = System.Numerics.BitOperations.LeadingZeroCount(~netmask);
        if (bits == 0 ? netmask != 0 : netmask != uint.MaxValue << (32 - bits))
            return Fail($"IPv4-style mask {mask} is not a prefix address; rejecting.", out message);
        return true;
    }

    /// <summary>
    /// parse_port_range: absent, "" or "*" is 1-65535; otherwise N or N-M (1-65535) via strtol, where junk after
    /// M is ignored, and N &gt; M fails. Port 0 fails as in the tor 0.4.9.11 we interoperate with (older sources
    /// took "0" as the empty range 1-0).
    /// </summary>
    internal static bool TryParsePortRange(ReadOnlySpan<char> port, out ushort min, out ushort max, out string message)
    {
        message = "";
        min = 1;
        max = 65535;
        if (port.IsEmpty || port.SequenceEqual("*"))
            return true;
        if (!CNumber.TryParseLong(port, 1, 65535, out long lo, out int end))
            return Fail($"Malformed port \"{port}\" on address range; rejecting.", out message);
        long hi = lo;
        if (end < port.Length && (port[end] != '-' || !CNumber.TryParseLong(port[(end + 1)..], 1, 65535, out hi, out _)))
            return Fail($"Malformed port \"{port}\" on address range; rejecting.", out message);
        if (lo > hi)
            return Fail("Insane port range on address policy; rejecting.", out message);
        min = (ushort)lo;
        max = (ushort)hi;
        return true;
    }

    private static bool Fail(string text, out string message)
    {
        message = text;
        return false;
    }
}
