using System.Net;
using System.Net.Sockets;

namespace TorRelay.Directory.Policy;

/// <summary>
/// An ordered exit policy (C tor's smartlist of addr_policy_t): the first rule matching an address and port
/// decides; if none does, the target is accepted. Immutable; build one with <see cref="ExitPolicyBuilder"/>.
/// </summary>
public sealed class ExitPolicy
{
    private readonly PolicyRule[] _rules;

    public ExitPolicy(IEnumerable<PolicyRule> rules) => _rules = [.. rules];

    /// <summary>"reject *4:*, reject *6:*": what a relay that is no exit has (policies_exit_policy_append_reject_star).</summary>
    public static ExitPolicy RejectAll { get; } = new([
        PolicyRule.Wildcard(PolicyAction.Reject, AddressFamily.InterNetwork),
        PolicyRule.Wildcard(PolicyAction.Reject, AddressFamily.InterNetworkV6),
    ]);

    public IReadOnlyList<PolicyRule> Rules => _rules;

    /// <summary>
    /// compare_tor_addr_to_addr_policy with a known address: Accepted or Rejected. An IPv4-mapped IPv6 address
    /// is IPv6 here, as in C tor. The null address (0.0.0.0 or ::) counts as unknown, and port 0 as an unknown
    /// port, as in C tor; then the result may be "probably".
    /// </summary>
    public PolicyResult Evaluate(IPAddress address, ushort port)
    {
        if (!PolicyAddress.TryFrom(address, out PolicyAddress a))
            return PolicyResult.Rejected;
        if (a.IsNull)
            return EvaluateUnknownAddress(port);
        if (port == 0)
            return EvaluatePartly(a, addressKnown: true, 0);
        foreach (PolicyRule rule in _rules)
        {
            if (rule.MatchesAddress(a) && rule.MatchesPort(port))
                return rule.Action == PolicyAction.Accept ? PolicyResult.Accepted : PolicyResult.Rejected;
        }
        return PolicyResult.Accepted;
    }

    /// <summary>
    /// compare_unknown_tor_addr_to_addr_policy, for a hostname not yet resolved: a rule for every address of a
    /// family ("*4" or "*6", either family) decides, "probably" if an earlier rule for some addresses on this
    /// port said otherwise; with no such rule, ProbablyAccepted after a partial reject, else Accepted.
    /// Port 0 (no address, no port) is Rejected.
    /// </summary>
    public PolicyResult EvaluateUnknownAddress(ushort port) =>
        port == 0 ? PolicyResult.Rejected : EvaluatePartly(default, addressKnown: false, port);

    /// <summary>
    /// C tor's two half-known cases: with the address unknown, rules on other ports are skipped and a rule on
    /// every address decides (compare_unknown_tor_addr_to_addr_policy); with the port unknown, rules on other
    /// addresses are skipped and a rule on every port decides (compare_known_tor_addr_to_addr_policy_noport).
    /// </summary>
    private PolicyResult EvaluatePartly(PolicyAddress a, bool addressKnown, ushort port)
    {
        bool maybeAccept = false, maybeReject = false;
        foreach (PolicyRule rule in _rules)
        {
            if (addressKnown ? !rule.MatchesAddress(a) : !rule.MatchesPort(port))
                continue;
            if (addressKnown ? rule.CoversAllPorts : rule.IsWildcard)
                return Definite(rule.Action, maybeAccept, maybeReject);
            maybeAccept |= rule.Action == PolicyAction.Accept;
            maybeReject |= rule.Action == PolicyAction.Reject;
        }
        return maybeReject ? PolicyResult.ProbablyAccepted : PolicyResult.Accepted;
    }

    private static PolicyResult Definite(PolicyAction action, bool maybeAccept, bool maybeReject) =>
        action == PolicyAction.Accept
            ? maybeReject ? PolicyResult.ProbablyAccepted : PolicyResult.Accepted
            : maybeAccept ? PolicyResult.ProbablyRejected : PolicyResult.Rejected;

    /// <summary>policy_is_reject_star for both families with a default of "reject": no exit at all.</summary>
    public bool IsRejectStar =>
        IsRejectStarFor(AddressFamily.InterNetwork) && IsRejectStarFor(AddressFamily.InterNetworkV6);

    /// <summary>
    /// policy_is_reject_star(policy, family, rejectByDefault): false at the first accept of the family, true at
    /// the first reject of all its addresses and ports, else <paramref name="rejectByDefault"/>.
    /// </summary>
    public bool IsRejectStarFor(AddressFamily family, bool rejectByDefault = true)
    {
        foreach (PolicyRule rule in _rules)
        {
            if (rule.Family != family)
                continue;
            if (rule.Action == PolicyAction.Accept)
                return false;
            if (rule.IsWildcard && rule.CoversAllPorts)
                return true;
        }
        return rejectByDefault;
    }

    /// <summary>
    /// The router descriptor's accept/reject lines (router_dump_exit_policy_to_string(router, 1, 0)): the IPv4
    /// rules in descriptor syntax ("accept *:80", "reject 10.0.0.0/8:*"), or the single "reject *:*" when the
    /// policy is empty or rejects everything in both families.
    /// </summary>
    public IReadOnlyList<string> ToDescriptorLines()
    {
        if (_rules.Length == 0 || IsRejectStar)
            return ["reject *:*"];
        return [.. _rules.Where(r => r.Family == AddressFamily.InterNetwork).Select(r => r.ToDescriptorString())];
    }

    /// <summary>
    /// policy_summarize for one family: the descriptor's ipv6-policy (IPv6, written only with IPv6Exit and when
    /// not "reject 1-65535") and what authorities put in microdescriptors as p (IPv4) and p6 (IPv6).
    /// </summary>
    public PolicySummary Summarize(AddressFamily family)
    {
        if (family is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6))
            throw new ArgumentOutOfRangeException(nameof(family), family, "IPv4 or IPv6");
        PolicySummary.TryParse(PolicySummarizer.Summarize(_rules, family), out PolicySummary? summary, out _);
        return summary!;
    }

    /// <summary>The rules in torrc syntax, comma-separated, for logs.</summary>
    public override string ToString() => string.Join(",", _rules);
}
