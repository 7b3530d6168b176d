namespace TorRelay.Directory.Policy;

/// <summary>
/// A policy summary (short_policy_t): "accept" or "reject" and a list of port ranges, as in a descriptor's
/// ipv6-policy line and a microdescriptor's p and p6 lines (dir-spec §2.1.1, §3.3). It knows ports only, so an
/// accepted port is only "probably" accepted.
/// </summary>
public sealed class PolicySummary
{
    /// <summary>MAX_EXITPOLICY_SUMMARY_LEN: parse_short_policy refuses more entries than this.</summary>
    private const int MaxEntries = 1000;

    public PolicySummary(bool isAccept, IReadOnlyList<PortRange> ranges)
    {
        IsAccept = isAccept;
        Ranges = ranges;
    }

    /// <summary>"reject 1-65535": what a non-exit publishes (or rather omits).</summary>
    public static PolicySummary RejectAll { get; } = new(false, [new PortRange(1, 65535)]);

    /// <summary>True if <see cref="Ranges"/> are the accepted ports, false if they are the rejected ones.</summary>
    public bool IsAccept { get; }

    public IReadOnlyList<PortRange> Ranges { get; }

    /// <summary>short_policy_is_reject_star: exactly "reject 1-65535".</summary>
    public bool IsRejectStar => !IsAccept && Ranges.Count == 1 && Ranges[0] == new PortRange(1, 65535);

    /// <summary>
    /// compare_tor_addr_to_short_policy: ProbablyAccepted or Rejected (never Accepted, so that clients never
    /// take a summary as a promise). Port 0 matches no range.
    /// </summary>
    public PolicyResult Evaluate(ushort port)
    {
        bool found = false;
        foreach (PortRange r in Ranges)
        {
            if (r.Contains(port))
            {
                found = true;
                break;
            }
        }
        return found == IsAccept && port != 0 ? PolicyResult.ProbablyAccepted : PolicyResult.Rejected;
    }

    /// <summary>write_short_policy: "accept 80,443" or "reject 1-65535".</summary>
    public override string ToString() => (IsAccept ? "accept " : "reject ") + string.Join(',', Ranges);

    /// <summary>
    /// parse_short_policy: "accept " or "reject " and comma-separated N or N-M (1-65535). Entries that do not
    /// start with a digit are skipped, as are empty ones; other malformed entries fail the whole summary.
    /// </summary>
    public static bool TryParse(string summary, out PolicySummary? result, out string error)
    {
        result = null;
        bool isAccept;
        if (summary.StartsWith("accept ", StringComparison.Ordinal))
            isAccept = true;
        else if (summary.StartsWith("reject ", StringComparison.Ordinal))
            isAccept = false;
        else
            return Fail("Unrecognized policy summary keyword", out error);

        int nul = summary.IndexOf('\0');
        ReadOnlySpan<char> s = nul < 0 ? summary.AsSpan(7) : summary.AsSpan(7, nul - 7);
        var ranges = new List<PortRange>();
        int pos = 0;
        while (pos < s.Length)
        {
            if (ranges.Count == MaxEntries)
                return Fail("Impossibly long policy summary", out error);
            ReadOnlySpan<char> rest = s[pos..];
            if (!CNumber.TryParseLong(rest, 1, 65535, out long low, out int next))
            {
                if (char.IsAsciiDigit(rest[0]))
                    return Fail("Found bad entry in policy summary", out error);
                // An unrecognized entry: skip to the next comma.
                int comma = rest.IndexOf(',');
                if (comma < 0)
                    break;
                pos += comma + 1;
                continue;
            }
            long high = low;
            if (next < rest.Length && rest[next] == '-')
            {
                ReadOnlySpan<char> upper = rest[(next + 1)..];
                if (!CNumber.TryParseLong(upper, low, 65535, out high, out int upperEnd))
                    return Fail("Found bad entry in policy summary", out error);
                next += 1 + upperEnd;
            }
            if (next < rest.Length && rest[next] != ',')
                return Fail("Found bad entry in policy summary", out error);
            ranges.Add(new PortRange((ushort)low, (ushort)high));
            pos += Math.Min(next + 1, rest.Length);
        }
        if (ranges.Count == 0)
            return Fail("Found no port-range entries in summary", out error);
        result = new PolicySummary(isAccept, ranges);
        error = "";
        return true;
    }

    private static bool Fail(string message, out string error)
    {
        error = message;
        return false;
    }
}
