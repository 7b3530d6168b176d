namespace TorRelay.Directory.Policy;

/// <summary>
/// exit_policy_remove_redundancies: drops rules that can never decide anything, in C tor's three passes, so
/// that our published policy has exactly C tor's lines.
/// </summary>
internal static class PolicyRedundancy
{
    public static void Remove(List<PolicyRule> rules)
    {
        // 1. Nothing of a family after that family's catch-all ("*4:*" or "*6:*").
        bool killV4 = false, killV6 = false;
        rules.RemoveAll(r =>
        {
            bool v6 = r.NetworkAddress.IsIPv6;
            if (v6 ? killV6 : killV4)
                return true;
            if (r.IsWildcard && r.CoversAllPorts)
            {
                killV4 |= !v6;
                killV6 |= v6;
            }
            return false;
        });

        // 2. A rule covered by an earlier one (of either action) is dead.
        for (int i = 0; i < rules.Count - 1; i++)
        {
            for (int j = i + 1; j < rules.Count; j++)
            {
                if (Covers(rules[i], rules[j]))
                    rules.RemoveAt(j--);
            }
        }

        // 3. A rule covered by a later one of the same action, with no rule of the other action between them that
        // intersects it, changes nothing.
        for (int i = 0; i < rules.Count - 1; i++)
        {
            for (int j = i + 1; j < rules.Count; j++)
            {
                if (rules[i].Action != rules[j].Action)
                {
                    if (Intersects(rules[i], rules[j]))
                        break;
                }
                else if (Covers(rules[j], rules[i]))
                {
                    rules.RemoveAt(i--);
                    break;
                }
            }
        }
    }

    /// <summary>addr_policy_covers: same family, a's network contains b's, a's ports contain b's.</summary>
    private static bool Covers(PolicyRule a, PolicyRule b) =>
        a.Family == b.Family && a.MaskBits <= b.MaskBits &&
        a.NetworkAddress.MatchesMasked(b.NetworkAddress, a.MaskBits) &&
        a.PortMin <= b.PortMin && a.PortMax >= b.PortMax;

    /// <summary>addr_policy_intersects: the networks overlap (never across families) and so do the ports.</summary>
    private static bool Intersects(PolicyRule a, PolicyRule b) =>
        a.NetworkAddress.MatchesMasked(b.NetworkAddress, Math.Min(a.MaskBits, b.MaskBits)) &&
        a.PortMax >= b.PortMin && b.PortMax >= a.PortMin;
}
