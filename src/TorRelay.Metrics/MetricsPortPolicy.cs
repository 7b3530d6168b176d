using System.Net;
using TorRelay.Directory.Policy;

namespace TorRelay.Metrics;

/// <summary>
/// MetricsPortPolicy as C tor applies it (policies.c, parse_metrics_port_policy and
/// metrics_policy_permits_address): the entries in order, ports ignored, then "reject *:*", so
/// with no entries every client is refused. The first entry matching the client's address (same
/// address family, same network) decides.
/// </summary>
public sealed class MetricsPortPolicy
{
    private readonly ExitPolicy _rules;

    private MetricsPortPolicy(ExitPolicy rules) => _rules = rules;

    /// <summary>The default policy: refuse everyone.</summary>
    public static MetricsPortPolicy RejectAll { get; } = new(ExitPolicy.RejectAll);

    /// <summary>
    /// Parses entries like "accept 127.0.0.1", "accept 10.0.0.0/8", "reject *", "accept [::1]",
    /// "accept private:*"; an entry may hold several comma-separated rules. False on a malformed
    /// entry (tor then rejects the whole configuration). The grammar is ExitPolicy's (parse_addr_policy).
    /// </summary>
    public static bool TryParse(IEnumerable<string> entries, out MetricsPortPolicy policy, out string error)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var rules = new List<PolicyRule>();
        foreach (string line in entries)
        {
            if (!PolicyRule.TryParse(line, out PolicyRule[] parsed, out error))
            {
                policy = RejectAll;
                return false;
            }
            // load_policy_from_option: ports are not used here, so every rule covers 1-65535.
            foreach (PolicyRule rule in parsed)
                rules.Add(new PolicyRule(rule.Action, rule.Address, rule.MaskBits, 1, 65535));
        }
        rules.AddRange(ExitPolicy.RejectAll.Rules);
        policy = new MetricsPortPolicy(new ExitPolicy(rules));
        error = "";
        return true;
    }

    /// <summary>As <see cref="TryParse"/>, throwing <see cref="FormatException"/> on a malformed entry.</summary>
    public static MetricsPortPolicy Parse(IEnumerable<string> entries) =>
        TryParse(entries, out MetricsPortPolicy policy, out string error) ? policy : throw new FormatException(error);

    /// <summary>
    /// Whether a client connecting from <paramref name="address"/> may scrape: addr_policy_permits_tor_addr with
    /// port 1, where a "probably" result (for the null address 0.0.0.0 or ::) counts as definite.
    /// </summary>
    public bool Permits(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return _rules.Evaluate(address, 1) is PolicyResult.Accepted or PolicyResult.ProbablyAccepted;
    }
}
