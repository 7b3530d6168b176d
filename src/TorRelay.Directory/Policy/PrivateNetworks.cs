namespace TorRelay.Directory.Policy;

/// <summary>
/// private_nets[] of policies.c, in its order: what "private" expands to, and the reject rules that policy
/// summaries leave out. Authorities must agree on this list, so it is C tor's, parsed the same way.
/// </summary>
internal static class PrivateNetworks
{
    public readonly record struct Network(PolicyAddress Address, int MaskBits);

    public static IReadOnlyList<Network> All { get; } = Parse(
        "0.0.0.0/8", "169.254.0.0/16", "127.0.0.0/8", "192.168.0.0/16", "10.0.0.0/8", "172.16.0.0/12",
        "[::]/8", "[fc00::]/7", "[fe80::]/10", "[fec0::]/10", "[ff00::]/8", "[::]/127");

    /// <summary>True when the rule's address and mask are exactly one of the list's (as policy_summary_add_item checks).</summary>
    public static bool IsExactly(PolicyRule rule)
    {
        foreach (Network net in All)
        {
            if (net.Address == rule.NetworkAddress && net.MaskBits == rule.MaskBits)
                return true;
        }
        return false;
    }

    private static Network[] Parse(params string[] nets) =>
    [
        .. nets.Select(n => PolicyEntryParser.TryParseMaskPorts(n, starIsIPv6: false, out var p, out _)
            ? new Network(new PolicyAddress(p.Family, p.Bits), p.MaskBits)
            : throw new InvalidOperationException(n)),
    ];
}
