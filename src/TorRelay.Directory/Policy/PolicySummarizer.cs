using System.Net.Sockets;

namespace TorRelay.Directory.Policy;

/// <summary>
/// policy_summarize: which ports a policy accepts for (nearly) every address of one family. A port counts as
/// accepted when an accept of every address ("*4"/"*6") reaches it while no more than a cut-off of addresses is
/// rejected for it first: more than two IPv4 /8s, or more than one IPv6 /16 counted in /64s (smaller IPv6
/// rejects do not count). Rejects of exactly the private networks do not count either.
/// </summary>
internal static class PolicySummarizer
{
    /// <summary>MAX_EXITPOLICY_SUMMARY_LEN.</summary>
    private const int MaxSummaryLength = 1000;

    public static string Summarize(IReadOnlyList<PolicyRule> rules, AddressFamily family)
    {
        bool v4 = family == AddressFamily.InterNetwork;
        int addressBits = v4 ? 32 : 128;
        int scale = v4 ? 0 : 64; // REJECT_CUTOFF_SCALE: IPv6 counts /64s
        ulong cutoff = v4 ? 1UL << (32 - 0 - 7) : 1UL << (128 - 64 - 16);

        // C tor keeps split port ranges; per-port state is the same thing unsplit.
        var rejected = new ulong[65536];
        var accepted = new bool[65536];
        foreach (PolicyRule rule in rules)
        {
            if (rule.Family != family)
                continue;
            if (rule.Action == PolicyAction.Accept)
            {
                if (rule.MaskBits != 0)
                    continue;
                for (int port = rule.PortMin; port <= rule.PortMax; port++)
                    accepted[port] |= rejected[port] <= cutoff;
            }
            else if (!PrivateNetworks.IsExactly(rule) && rule.MaskBits <= addressBits - scale)
            {
                int shift = addressBits - scale - rule.MaskBits;
                ulong count = shift >= 64 ? ulong.MaxValue : 1UL << shift;
                for (int port = rule.PortMin; port <= rule.PortMax; port++)
                    rejected[port] = rejected[port] > ulong.MaxValue - count ? ulong.MaxValue : rejected[port] + count;
            }
        }

        var accepts = new List<string>();
        var rejects = new List<string>();
        for (int start = 1; start <= 65535;)
        {
            int end = start;
            while (end < 65535 && accepted[end + 1] == accepted[start])
                end++;
            (accepted[start] ? accepts : rejects).Add(new PortRange((ushort)start, (ushort)end).ToString());
            start = end + 1;
        }

        if (accepts.Count == 0)
            return "reject 1-65535";
        if (rejects.Count == 0)
            return "accept 1-65535";
        string acceptText = string.Join(',', accepts), rejectText = string.Join(',', rejects);
        int room = MaxSummaryLength - "accept".Length - 1;
        if (rejectText.Length > room && acceptText.Length > room)
        {
            // Both too long: the accepted ports, cut at the last comma that fits.
            int cut = room;
            while (cut >= 0 && acceptText[cut] != ',')
                cut--;
            return "accept " + acceptText[..cut];
        }
        return rejectText.Length < acceptText.Length ? "reject " + rejectText : "accept " + acceptText;
    }
}
