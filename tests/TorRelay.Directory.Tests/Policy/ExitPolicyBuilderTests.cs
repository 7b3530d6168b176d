using System.Net;
using System.Net.Sockets;
using TorRelay.Directory.Policy;

namespace TorRelay.Directory.Tests.Policy;

/// <summary>
/// policies_parse_exit_policy_from_options: ExitRelay, ExitPolicy, ExitPolicyRejectPrivate,
/// ExitPolicyRejectLocalInterfaces, ReducedExitPolicy and IPv6Exit as the man page and test_policy.c describe.
/// </summary>
public sealed class ExitPolicyBuilderTests
{
    private static readonly string[] PrivateV4Lines =
    [
        "reject 0.0.0.0/8:*", "reject 169.254.0.0/16:*", "reject 127.0.0.0/8:*", "reject 192.168.0.0/16:*",
        "reject 10.0.0.0/8:*", "reject 172.16.0.0/12:*",
    ];

    private static readonly string[] DefaultPolicyLines =
    [
        "reject *:25", "reject *:119", "reject *:135-139", "reject *:445", "reject *:563", "reject *:1214",
        "reject *:4661-4666", "reject *:6346-6429", "reject *:6699", "reject *:6881-6999", "accept *:*",
    ];

    private static ExitPolicy Build(ExitPolicyOptions o)
    {
        Assert.True(ExitPolicyBuilder.TryBuild(o, out ExitPolicy policy, out string error), error);
        return policy;
    }

    private static string[] Rules(ExitPolicy p) => [.. p.Rules.Select(r => r.ToString())];

    [Fact]
    public void ExitRelayAutoWithoutExitOptionsIsNoExit()
    {
        ExitPolicy p = Build(new ExitPolicyOptions());
        Assert.Equal(["reject *4:*", "reject *6:*"], Rules(p));
        Assert.Equal(["reject *:*"], p.ToDescriptorLines());
        Assert.Equal("reject 1-65535", p.Summarize(AddressFamily.InterNetwork).ToString());
    }

    [Fact]
    public void ExitRelayZeroIgnoresTheExitPolicyLinesEvenMalformedOnes()
    {
        ExitPolicy p = Build(new ExitPolicyOptions { ExitRelay = false, ExitPolicy = ["accept *:80", "bogus"], IPv6Exit = true });
        Assert.True(p.IsRejectStar);
    }

    [Fact]
    public void ExitRelayOneUsesTheDefaultPolicyAfterPrivateRejects()
    {
        ExitPolicy p = Build(new ExitPolicyOptions { ExitRelay = true });
        Assert.Equal([.. PrivateV4Lines, .. DefaultPolicyLines], p.ToDescriptorLines());
        // Without IPv6Exit the leading "reject *6:*" leaves no other IPv6 rule.
        Assert.Equal(["reject *6:*"], Rules(p).Where(r => r.Contains("*6") || r.Contains('[')));
        Assert.Equal(PolicyResult.Rejected, p.Evaluate(IPAddress.Parse("2001:db8::1"), 80));
        Assert.Equal(PolicyResult.Accepted, p.Evaluate(IPAddress.Parse("8.8.8.8"), 80));
        Assert.Equal(PolicyResult.Rejected, p.Evaluate(IPAddress.Parse("8.8.8.8"), 25));
        Assert.Equal(PolicyResult.Rejected, p.Evaluate(IPAddress.Parse("192.168.1.1"), 80));
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void ExitRelayAutoBecomesAnExitWithReducedExitPolicyOrIPv6Exit(bool reduced, bool ipv6)
    {
        ExitPolicy p = Build(new ExitPolicyOptions { ReducedExitPolicy = reduced, IPv6Exit = ipv6 });
        Assert.False(p.IsRejectStar);
        Assert.Equal(PolicyResult.Accepted, p.Evaluate(IPAddress.Parse("8.8.8.8"), 443));
    }

    [Fact]
    public void DefaultPolicySummaryIsTheFamiliarOne()
    {
        ExitPolicy p = Build(new ExitPolicyOptions { ExitRelay = true, IPv6Exit = true });
        const string expected = "reject 25,119,135-139,445,563,1214,4661-4666,6346-6429,6699,6881-6999";
        Assert.Equal(expected, p.Summarize(AddressFamily.InterNetwork).ToString());
        Assert.Equal(expected, p.Summarize(AddressFamily.InterNetworkV6).ToString());
        Assert.Equal(PolicyResult.Accepted, p.Evaluate(IPAddress.Parse("2001:db8::1"), 80));
        Assert.Equal(PolicyResult.Rejected, p.Evaluate(IPAddress.Parse("fc00::1"), 80));
    }

    [Fact]
    public void ReducedExitPolicyReplacesTheDefault()
    {
        ExitPolicy p = Build(new ExitPolicyOptions { ReducedExitPolicy = true });
        Assert.Equal(
            "accept 20-23,43,53,79-81,88,110,143,194,220,389,443,464-465,531,543-544,554,563,587,636,706,749,873," +
            "902-904,981,989-995,1194,1220,1293,1500,1533,1677,1723,1755,1863,2082-2083,2086-2087,2095-2096," +
            "2102-2104,3128,3389,3690,4321,4643,5050,5190,5222-5223,5228,5900,6660-6669,6679,6697,8000,8008,8074," +
            "8080,8082,8087-8088,8232-8233,8332-8333,8443,8888,9418,9999-10000,11371,18080-18081,18089,19294,19638,50002," +
            "64738",
            p.Summarize(AddressFamily.InterNetwork).ToString());
        Assert.Equal("reject 1-65535", p.Summarize(AddressFamily.InterNetworkV6).ToString());
        Assert.Equal("reject *:*", p.ToDescriptorLines()[^1]);
    }

    [Fact]
    public void UserRulesComeBeforeTheDefaultAndAnEndingRejectReplacesIt()
    {
        ExitPolicy augmented = Build(new ExitPolicyOptions { ExitPolicy = ["reject *:80"] });
        Assert.Equal([.. PrivateV4Lines, "reject *:80", .. DefaultPolicyLines], augmented.ToDescriptorLines());

        ExitPolicy replaced = Build(new ExitPolicyOptions { ExitPolicy = ["accept *:80,accept *:443", "reject *:*"] });
        Assert.Equal([.. PrivateV4Lines, "accept *:80", "accept *:443", "reject *:*"], replaced.ToDescriptorLines());
    }

    [Fact]
    public void RedundantRulesAreCompacted()
    {
        // test_policies_general: "make sure compacting logic works".
        ExitPolicy p = Build(new ExitPolicyOptions
        {
            ExitRelay = true, IPv6Exit = true, ExitPolicyRejectPrivate = false,
            ExitPolicy = ["accept *:80,reject private:*,reject *:*"],
        });
        Assert.Equal(["accept *4:80", "accept *6:80", "reject *4:*", "reject *6:*"], Rules(p));
    }

    [Fact]
    public void BridgeRelayGetsNoDefaultPolicy()
    {
        ExitPolicy p = Build(new ExitPolicyOptions { BridgeRelay = true, ExitPolicy = ["accept *:80"] });
        Assert.Equal([.. PrivateV4Lines, "accept *:80", "reject *:*"], p.ToDescriptorLines());
    }

    [Fact]
    public void PublishedAddressesAreRejectedWithPrivateNetworks()
    {
        var o = new ExitPolicyOptions
        {
            ExitRelay = true, IPv6Exit = true,
            PublishedIPv4Address = IPAddress.Parse("3.6.9.12"), PublishedIPv6Address = IPAddress.Parse("2000::1234"),
        };
        string[] rules = Rules(Build(o));
        // After the private networks ("[::]/127" went: "[::]/8" covers it) and before the default policy.
        Assert.Equal(["reject [ff00::]/8:*", "reject 3.6.9.12:*", "reject [2000::1234]:*", "reject *4:25"], rules[10..14]);
        Assert.Equal([.. PrivateV4Lines, "reject 3.6.9.12:*", .. DefaultPolicyLines], Build(o).ToDescriptorLines());

        // IPv6 addresses are left to the leading "reject *6:*" on an IPv4-only exit.
        Assert.DoesNotContain("reject [2000::1234]:*", Rules(Build(o with { IPv6Exit = false })));
        // Without ExitPolicyRejectPrivate neither the networks nor our addresses are rejected.
        Assert.DoesNotContain("reject 3.6.9.12:*", Rules(Build(o with { ExitPolicyRejectPrivate = false })));
    }

    [Fact]
    public void LocalInterfaceAddressesAreRejectedOnceEachAndOnlyIfPublic()
    {
        var o = new ExitPolicyOptions
        {
            ExitRelay = true, IPv6Exit = true, ExitPolicyRejectPrivate = false, ExitPolicyRejectLocalInterfaces = true,
            OutboundBindAddresses = [IPAddress.Parse("1.2.3.4"), IPAddress.Parse("1.2.3.4"), IPAddress.Parse("2002::abcd")],
            PortAddresses = [IPAddress.Parse("1.2.3.4"), IPAddress.Parse("2002::abcd"), IPAddress.Parse("10.0.0.1")],
            InterfaceAddresses =
            [
                IPAddress.Parse("5.6.7.8"), IPAddress.Parse("127.0.0.1"), IPAddress.Parse("224.1.2.3"),
                IPAddress.Parse("2003::1"), IPAddress.Parse("fe80::1"), IPAddress.Parse("ff02::1"),
            ],
        };
        Assert.Equal(
            ["reject 1.2.3.4:*", "reject [2002::abcd]:*", "reject 5.6.7.8:*", "reject [2003::1]:*", "reject *4:25"],
            Rules(Build(o)).Take(5));

        // Without IPv6Exit no IPv6 address gets its own rule.
        Assert.Equal(["reject *6:*", "reject 1.2.3.4:*", "reject 5.6.7.8:*"], Rules(Build(o with { IPv6Exit = false })).Take(3));
    }

    [Fact]
    public void ExitPolicyRejectLocalInterfacesIsOffByDefault()
    {
        var o = new ExitPolicyOptions { ExitRelay = true, InterfaceAddresses = [IPAddress.Parse("5.6.7.8")] };
        Assert.DoesNotContain("reject 5.6.7.8:*", Rules(Build(o)));
    }

    [Fact]
    public void MalformedExitPolicyFailsTheBuild()
    {
        var o = new ExitPolicyOptions { ExitPolicy = ["accept *:80", "accept 1.2.3.4/33:*"] };
        Assert.False(ExitPolicyBuilder.TryBuild(o, out _, out string error));
        Assert.Contains("1.2.3.4/33", error);
        Assert.Throws<FormatException>(() => ExitPolicyBuilder.Build(o));
    }

    [Fact]
    public void IgnoredEntriesBecomeWarnings()
    {
        var warnings = new List<string>();
        Assert.True(ExitPolicyBuilder.TryBuild(new ExitPolicyOptions { ExitPolicy = ["accept6 1.2.3.4:80"] },
            out ExitPolicy p, out _, warnings));
        Assert.Single(warnings);
        Assert.Equal([.. PrivateV4Lines, .. DefaultPolicyLines], p.ToDescriptorLines());
    }
}
