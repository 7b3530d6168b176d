using System.Net.Sockets;
using TorRelay.Directory.Policy;

namespace TorRelay.Directory.Tests.Policy;

/// <summary>policy_summarize, parse_short_policy and write_short_policy; cases from C tor's test_policies_general.</summary>
public sealed class PolicySummaryTests
{
    private const string LongPorts =
        "20-23,43,53,79-81,88,110,143,194,220,389,443,464,531,543-544,554,563,636,706,749,873,902-904,981,989-995," +
        "1194,1220,1293,1500,1533,1677,1723,1755,1863,2082,2083,2086-2087,2095-2096,2102-2104,3128,3389,3690,4321," +
        "4643,5050,5190,5222-5223,5228,5900,6660-6669,6679,6697,8000,8008,8074,8080,8087-8088,8332-8333,8443,8888," +
        "9418,9999,10000,11371,12350,19294,19638,23456,33033,64738";

    private static string Accepts(string ports) => string.Join(',', ports.Split(',').Select(p => "accept *:" + p));

    private static string Join(IEnumerable<int> ports) => string.Join(',', ports);

    /// <summary>(policy, IPv4 summary, IPv6 summary).</summary>
    public static TheoryData<string, string, string> Cases()
    {
        var data = new TheoryData<string, string, string>();
        void Add(string policy, string v4, string? v6 = null) => data.Add(policy, v4, v6 ?? v4);

        // Private networks are left out.
        Add("reject 192.168.0.0/16:*,reject 0.0.0.0/8:*,reject 10.0.0.0/8:*,accept *:10-30,accept *:90,reject *:*",
            "accept 10-30,90");
        // Rejects are counted against the cut-off.
        Add("reject 11.0.0.0/9:80,reject 12.0.0.0/9:80,reject 13.0.0.0/9:80,reject 14.0.0.0/9:80,accept *:*",
            "accept 1-65535");
        Add("reject 11.0.0.0/9:80,reject 12.0.0.0/9:80,reject 13.0.0.0/9:80,reject 14.0.0.0/9:80," +
            "reject 15.0.0.0:81,accept *:*", "accept 1-65535");
        Add("reject 11.0.0.0/9:80,reject 12.0.0.0/9:80,reject 13.0.0.0/9:80,reject 14.0.0.0/9:80," +
            "reject 15.0.0.0:80,accept *:*", "reject 80", "accept 1-65535");
        // No exits; port merging; border ports; holes.
        Add("accept 11.0.0.0/9:80,reject *:*", "reject 1-65535");
        Add("accept *:80,accept *:81,accept *:100-110,accept *:111,reject *:*", "accept 80-81,100-111");
        Add("accept *:1,accept *:3,accept *:65535,reject *:*", "accept 1,3,65535");
        Add("accept *:1,accept *:3,accept *:5,accept *:7,reject *:*", "accept 1,3,5,7");
        Add("reject *:1,reject *:3,reject *:5,reject *:7,accept *:*", "reject 1,3,5,7");
        // A long policy of many exits.
        Add(Accepts(LongPorts) + ",reject *:*", "accept " + LongPorts.Replace("2082,2083", "2082-2083")
            .Replace("9999,10000", "9999-10000"));
        // Configured addresses, netblocks, and netblocks around the cut-off.
        Add("reject 149.56.1.1:*,reject [2607:5300:1:1::1:0]:*,accept *:80,accept *:443,reject *:*", "accept 80,443");
        Add(string.Join(',', Enumerable.Range(0, 8).Select(i => $"reject 149.56.1.{i}:*")) + "," +
            "reject [2607:5300:1:1::1:0]:*,reject [2607:5300:1:1::1:1]:*,reject [2607:5300:1:1::1:2]:*," +
            "reject [2607:5300:1:1::1:3]:*,reject [2607:5300:1:1::2:0]:*,reject [2607:5300:1:1::2:1]:*," +
            "reject [2607:5300:1:1::2:2]:*,reject [2607:5300:1:1::2:3]:*,accept *:80,accept *:443,reject *:*",
            "accept 80,443");
        Add("reject 149.56.0.0/16,reject6 2607:5300::/32,reject6 2608:5300::/64,reject6 2609:5300::/96," +
            "accept *:80,accept *:443,reject *:*", "accept 80,443");
        Add("reject 148.0.0.0/7,reject6 2600::/16,accept *:80,accept *:443,reject *:*", "accept 80,443");
        Add("reject 148.0.0.0/6,reject6 2600::/15,accept *:80,accept *:443,reject *:*", "reject 1-65535");
        Add("reject 128.0.0.0/1,reject6 8000::/1,accept *:80,accept *:443,reject *:*", "reject 1-65535");
        Add("reject 0.0.0.0/0,reject6 ::/0,accept *:80,accept *:443,reject *:*", "reject 1-65535");
        Add(string.Concat(Enumerable.Repeat("reject 0.0.0.0/0,", 5)) + string.Concat(Enumerable.Repeat("reject6 ::/0,", 5)) +
            "accept *:80,accept *:443,reject *:*", "reject 1-65535");
        // The longest possible policy, cut to 1000 characters at a comma.
        var odd = Enumerable.Range(0, 265).Select(i => 2 * i + 1).ToArray();
        Add(Accepts(Join(odd)) + ",reject *:*", "accept " + Join(odd.Where(p => p <= 523)));
        // Truncation of the accepted ports when both lists are too long.
        var rejected = Enumerable.Range(0, 1000).Select(i => 2 * i + 1);
        Add(string.Join(',', rejected.Select(p => $"reject *:{p}")) + ",accept *:*",
            "accept " + Join(Enumerable.Range(1, 261).Select(i => 2 * i)));
        return data;
    }

    /// <summary>Like C tor's test_policy_summary_helper: every combination of the exit policy parser's flags.</summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void SummariesMatchCTorUnderEveryOptionCombination(string policy, string expected4, string expected6)
    {
        foreach (bool ipv6 in new[] { false, true })
        foreach (bool rejectPrivate in new[] { false, true })
        foreach (int tail in new[] { 0, 1, 2 }) // no default (bridge), default, reduced
        {
            var o = new ExitPolicyOptions
            {
                ExitRelay = true, IPv6Exit = ipv6, ExitPolicyRejectPrivate = rejectPrivate, ExitPolicy = [policy],
                BridgeRelay = tail == 0, ReducedExitPolicy = tail == 2,
            };
            ExitPolicy p = ExitPolicyBuilder.Build(o);
            AssertSummary(expected4, p.Summarize(AddressFamily.InterNetwork));
            if (ipv6)
                AssertSummary(expected6, p.Summarize(AddressFamily.InterNetworkV6));
        }
    }

    private static void AssertSummary(string expected, PolicySummary summary)
    {
        Assert.Equal(expected, summary.ToString());
        Assert.True(PolicySummary.TryParse(summary.ToString(), out PolicySummary? again, out string error), error);
        Assert.Equal(expected, again!.ToString());
    }

    [Theory]
    [InlineData("accept fred,2,3-5", "accept 2,3-5")]
    [InlineData("accept 2,fred,3", "accept 2,3")]
    [InlineData("accept 2,fred,3,bob", "accept 2,3")]
    [InlineData("accept 2,-3,500-600", "accept 2,500-600")]
    [InlineData("accept 1,,3", "accept 1,3")]
    [InlineData("accept 100-200,,", "accept 100-200")]
    [InlineData("reject ,1-10,,,,30-40", "reject 1-10,30-40")]
    [InlineData("accept 80,443", "accept 80,443")]
    [InlineData("reject 1-65535", "reject 1-65535")]
    public void SummariesParseSkippingUnrecognizedEntries(string input, string written)
    {
        Assert.True(PolicySummary.TryParse(input, out PolicySummary? s, out string error), error);
        Assert.Equal(written, s!.ToString());
    }

    [Theory]
    [InlineData("accept 200-199")]
    [InlineData("")]
    [InlineData("rejekt 1,2,3")]
    [InlineData("reject ")]
    [InlineData("reject")]
    [InlineData("rej")]
    [InlineData("accept 2,3,100000")]
    [InlineData("accept 2,3x,4")]
    [InlineData("accept 2-")]
    [InlineData("accept 2-x")]
    [InlineData("accept 1-,3")]
    [InlineData("accept 0")]
    public void MalformedSummariesAreRejected(string input)
    {
        Assert.False(PolicySummary.TryParse(input, out PolicySummary? s, out string error));
        Assert.Null(s);
        Assert.NotEmpty(error);
    }

    [Fact]
    public void SummariesOfMoreThanAThousandEntriesAreRejected()
    {
        string tooLong = "accept " + Join(Enumerable.Range(1, 9999)) + ",20000";
        Assert.False(PolicySummary.TryParse(tooLong, out _, out _));
        Assert.True(PolicySummary.TryParse("accept " + Join(Enumerable.Range(1, 1000)), out _, out _));
        Assert.False(PolicySummary.TryParse("accept " + Join(Enumerable.Range(1, 1001)), out _, out _));
    }

    [Fact]
    public void SummaryEvaluationIsProbablyAcceptedOrRejected()
    {
        Assert.True(PolicySummary.TryParse("accept 80,443,1000-2000", out PolicySummary? accept, out _));
        Assert.Equal(PolicyResult.ProbablyAccepted, accept!.Evaluate(80));
        Assert.Equal(PolicyResult.ProbablyAccepted, accept.Evaluate(1500));
        Assert.Equal(PolicyResult.Rejected, accept.Evaluate(81));
        Assert.True(PolicySummary.TryParse("reject 25,119", out PolicySummary? reject, out _));
        Assert.Equal(PolicyResult.Rejected, reject!.Evaluate(25));
        Assert.Equal(PolicyResult.ProbablyAccepted, reject.Evaluate(80));
        Assert.Equal(PolicyResult.Rejected, reject.Evaluate(0));
    }

    [Fact]
    public void OnlyRejectOneToMaxIsRejectStar()
    {
        Assert.True(PolicySummary.RejectAll.IsRejectStar);
        Assert.True(PolicySummary.TryParse("reject 1-65535", out PolicySummary? all, out _) && all!.IsRejectStar);
        Assert.True(PolicySummary.TryParse("reject 1-65534", out PolicySummary? most, out _) && !most!.IsRejectStar);
        Assert.True(PolicySummary.TryParse("accept 1-65535", out PolicySummary? none, out _) && !none!.IsRejectStar);
    }
}
