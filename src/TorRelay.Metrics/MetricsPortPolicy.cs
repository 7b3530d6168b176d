using System.Net;
using System.Net.Sockets;
using TorRelay.Metrics.Policy;

namespace TorRelay.Metrics;

/// <summary>
/// MetricsPortPolicy as C tor applies it (policies.c, parse_metrics_port_policy and
/// metrics_policy_permits_address): the entries in order, ports ignored, then "reject *:*", so
/// with no entries every client is refused. The first entry matching the client's address (same
/// address family, same network) decides.
/// </summary>
public sealed class MetricsPortPolicy
{
    private readonly AddressPolicyRule[] _rules;

    private MetricsPortPolicy(AddressPolicyRule[] rules) => _rules = rules;

    /// <summary>The default policy: refuse everyone.</summary>
    public static MetricsPortPolicy RejectAll { get; } = new([
        new AddressPolicyRule(false, AddressFamily.InterNetwork, 0, 0),
        new AddressPolicyRule(false, AddressFamily.InterNetworkV6, 0, 0),
    ]);

    /// <summary>
    /// Parses entries like "accept 127.0.0.1", "accept 10.0.0.0/8", "reject *", "accept [::1]",
    /// "accept private:*"; an entry may hold several comma-separated rules. False on a malformed
    /// entry (tor then rejects the whole configuration).
    /// </summary>
    public static bool TryParse(IEnumerable<string> entries, out MetricsPortPolicy policy, out string error)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var rules = new List<AddressPolicyRule>();
        foreach (string line in entries)
        {
            foreach (string entry in line.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!PolicyEntryParser.TryParse(entry, rules, out error))
                {
                    policy = RejectAll;
                    return false;
                }
            }
        }
        rules.AddRange(RejectAll._rules);
        policy = new MetricsPortPolicy([.. rules]);
        error = "";
        return true;
    }

    /// <summary>As <see cref="TryParse"/>, throwing <see cref="FormatException"/> on a malformed entry.</summary>
    public static MetricsPortPolicy Parse(IEnumerable<string> entries) =>
        TryParse(entries, out MetricsPortPolicy policy, out string error) ? policy : throw new FormatException(error);

    /// <summary>Whether a client connecting from <paramref name="address"/> may scrape.</summary>
    public bool Permits(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6))
            return false;
        UInt128 value = AddressPolicyRule.ToInteger(address);
        if (value == 0)
            return PermitsUnknownAddress();
        foreach (AddressPolicyRule rule in _rules)
        {
            if (rule.Matches(address.AddressFamily, value))
                return rule.Accept;
        }
        return false;
    }

    /// <summary>
    /// compare_unknown_tor_addr_to_addr_policy, which tor uses for a null address (0.0.0.0 or ::):
    /// the first entry covering all addresses decides ("probably" results count as definite).
    /// </summary>
    private bool PermitsUnknownAddress()
    {
        foreach (AddressPolicyRule rule in _rules)
        {
            if (rule.MaskBits == 0)
                return rule.Accept;
        }
        return false;
    }
}
