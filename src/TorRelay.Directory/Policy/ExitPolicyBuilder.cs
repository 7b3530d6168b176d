using System.Net;
using System.Net.Sockets;

namespace TorRelay.Directory.Policy;

/// <summary>
/// Computes a relay's effective exit policy as C tor 0.4.9's policies_parse_exit_policy_from_options and
/// policies_parse_exit_policy_internal do: "reject *6:*" without IPv6Exit, "reject private:*" and our own
/// public addresses, the ExitPolicy lines, then the reduced or default policy (or, for a bridge, reject *:*),
/// with dead rules removed.
/// </summary>
public static class ExitPolicyBuilder
{
    /// <summary>DEFAULT_EXIT_POLICY of policies.c.</summary>
    public const string DefaultExitPolicy =
        "reject *:25,reject *:119,reject *:135-139,reject *:445," +
        "reject *:563,reject *:1214,reject *:4661-4666," +
        "reject *:6346-6429,reject *:6699,reject *:6881-6999,accept *:*";

    /// <summary>
    /// REDUCED_EXIT_POLICY as the tor 0.4.9.11 we interoperate with has it: older sources and the man page lack
    /// 18080-18081 and 18089.
    /// </summary>
    public const string ReducedExitPolicy =
        "accept *:20-23,accept *:43,accept *:53,accept *:79-81,accept *:88," +
        "accept *:110,accept *:143,accept *:194,accept *:220,accept *:389," +
        "accept *:443,accept *:464,accept *:465,accept *:531,accept *:543-544," +
        "accept *:554,accept *:563,accept *:587,accept *:636,accept *:706," +
        "accept *:749,accept *:873,accept *:902-904,accept *:981,accept *:989-995," +
        "accept *:1194,accept *:1220,accept *:1293,accept *:1500,accept *:1533," +
        "accept *:1677,accept *:1723,accept *:1755,accept *:1863," +
        "accept *:2082-2083,accept *:2086-2087,accept *:2095-2096," +
        "accept *:2102-2104,accept *:3128,accept *:3389,accept *:3690," +
        "accept *:4321,accept *:4643,accept *:5050,accept *:5190," +
        "accept *:5222-5223,accept *:5228,accept *:5900,accept *:6660-6669," +
        "accept *:6679,accept *:6697,accept *:8000,accept *:8008,accept *:8074," +
        "accept *:8080,accept *:8082,accept *:8087-8088,accept *:8232-8233," +
        "accept *:8332-8333,accept *:8443,accept *:8888,accept *:9418," +
        "accept *:9999,accept *:10000,accept *:11371,accept *:18080-18081,accept *:18089,accept *:19294," +
        "accept *:19638,accept *:50002,accept *:64738,reject *:*";

    /// <summary>As <see cref="TryBuild"/>; a malformed ExitPolicy entry throws <see cref="FormatException"/>.</summary>
    public static ExitPolicy Build(ExitPolicyOptions options) =>
        TryBuild(options, out ExitPolicy policy, out string error) ? policy : throw new FormatException(error);

    /// <summary>
    /// Fails only on a malformed ExitPolicy entry (C tor refuses such a torrc: "Error in ExitPolicy entry.");
    /// entries C tor ignores go to <paramref name="warnings"/>.
    /// </summary>
    public static bool TryBuild(ExitPolicyOptions options, out ExitPolicy policy, out string error,
        ICollection<string>? warnings = null)
    {
        policy = ExitPolicy.RejectAll;
        error = "";
        // ExitRelay 0, or auto with none of the exit options: no exit, and the ExitPolicy lines are not even read.
        if (!options.IsExit)
            return true;

        bool ipv6 = options.IPv6Exit;
        var rules = new List<PolicyRule>();
        if (!ipv6)
            AppendInternal(rules, "reject *6:*");
        if (options.ExitPolicyRejectPrivate)
            AppendInternal(rules, "reject private:*");
        AppendOwnAddresses(rules, options);

        foreach (string line in options.ExitPolicy)
        {
            if (!PolicyEntryParser.TryParseValue(line, rules, out string lineError, warnings) && error.Length == 0)
                error = lineError;
        }
        if (error.Length > 0)
            return false;

        if (options.BridgeRelay)
            AppendInternal(rules, "reject *4:*,reject *6:*");
        else
            AppendInternal(rules, options.ReducedExitPolicy ? ReducedExitPolicy : DefaultExitPolicy);
        PolicyRedundancy.Remove(rules);
        policy = new ExitPolicy(rules);
        return true;
    }

    /// <summary>
    /// policies_parse_exit_policy_reject_private: "reject ADDR:*" for each public address of ours (published
    /// ones under ExitPolicyRejectPrivate; outbound bind, port and interface ones under
    /// ExitPolicyRejectLocalInterfaces); IPv6 ones only with IPv6Exit, which otherwise rejects them anyway.
    /// </summary>
    private static void AppendOwnAddresses(List<PolicyRule> rules, ExitPolicyOptions o)
    {
        bool ipv6 = o.IPv6Exit, local = o.ExitPolicyRejectLocalInterfaces;
        if (o.ExitPolicyRejectPrivate)
        {
            AppendReject(rules, o.PublishedIPv4Address, ipv4Rules: true, ipv6);
            AppendReject(rules, o.PublishedIPv6Address, ipv4Rules: true, ipv6);
        }
        if (local)
        {
            foreach (IPAddress a in o.OutboundBindAddresses.Concat(o.PortAddresses))
                AppendReject(rules, a, ipv4Rules: true, ipv6);
            // get_interface_address6_list per family: IPv4 interfaces always, IPv6 ones only with IPv6Exit.
            foreach (IPAddress a in o.InterfaceAddresses.Where(a => a.AddressFamily == AddressFamily.InterNetwork))
                AppendReject(rules, a, ipv4Rules: true, ipv6Rules: false);
            if (ipv6)
            {
                foreach (IPAddress a in o.InterfaceAddresses.Where(a => a.AddressFamily == AddressFamily.InterNetworkV6))
                    AppendReject(rules, a, ipv4Rules: false, ipv6Rules: true);
            }
        }
        if (rules.Count > 0)
            PolicyRedundancy.Remove(rules); // drops addresses given twice
    }

    /// <summary>addr_policy_append_reject_addr_filter: only public addresses (not null, internal or multicast).</summary>
    private static void AppendReject(List<PolicyRule> rules, IPAddress? address, bool ipv4Rules, bool ipv6Rules)
    {
        if (address is null || !PolicyAddress.TryFrom(address, out PolicyAddress a) || a.IsNull || a.IsInternal || a.IsMulticast)
            return;
        if (a.IsV4 ? ipv4Rules : ipv6Rules)
            rules.Add(new PolicyRule(PolicyAction.Reject, a, a.IsIPv6 ? 128 : 32, 1, 65535));
    }

    /// <summary>append_exit_policy_string: our own policy text, which always parses.</summary>
    private static void AppendInternal(List<PolicyRule> rules, string policy)
    {
        if (!PolicyEntryParser.TryParseValue(policy, rules, out string error, warnings: null))
            throw new InvalidOperationException(error);
    }
}
