using System.Net;
using System.Net.Sockets;
using TorRelay.Directory.Policy;

namespace TorRelay.Directory.Tests.Policy;

/// <summary>compare_tor_addr_to_addr_policy and policy_is_reject_star; cases from C tor's test_policies_general.</summary>
public sealed class ExitPolicyEvaluateTests
{
    internal static ExitPolicy Policy(string torrc)
    {
        Assert.True(PolicyRule.TryParse(torrc, out PolicyRule[] rules, out string error), error);
        return new ExitPolicy(rules);
    }

    [Fact]
    public void KnownAddressesMatchTheFirstRuleAndAreAcceptedByDefault()
    {
        ExitPolicy p = Policy("reject 192.168.0.0/16:*");
        Assert.Equal(PolicyResult.Accepted, p.Evaluate(IPAddress.Parse("1.2.3.4"), 2));
        Assert.Equal(PolicyResult.Rejected, p.Evaluate(IPAddress.Parse("192.168.1.2"), 2));
        Assert.Equal(PolicyResult.ProbablyAccepted, p.EvaluateUnknownAddress(2));
    }

    [Fact]
    public void FirstMatchWins()
    {
        ExitPolicy p = Policy("accept 18.7.22.69:*,reject 18.0.0.0/8:*,accept *:*"); // the man page's MIT example
        Assert.Equal(PolicyResult.Accepted, p.Evaluate(IPAddress.Parse("18.7.22.69"), 80));
        Assert.Equal(PolicyResult.Rejected, p.Evaluate(IPAddress.Parse("18.7.22.70"), 80));
        Assert.Equal(PolicyResult.Accepted, p.Evaluate(IPAddress.Parse("19.0.0.1"), 80));
        Assert.Equal(PolicyResult.Accepted, p.Evaluate(IPAddress.Parse("2001:db8::1"), 80));
    }

    [Fact]
    public void RulesOfOneFamilyNeverMatchTheOther()
    {
        ExitPolicy p = Policy("reject *4:*,accept *6:443,reject *6:*");
        Assert.Equal(PolicyResult.Rejected, p.Evaluate(IPAddress.Parse("8.8.8.8"), 443));
        Assert.Equal(PolicyResult.Accepted, p.Evaluate(IPAddress.Parse("2001:db8::1"), 443));
        Assert.Equal(PolicyResult.Rejected, p.Evaluate(IPAddress.Parse("2001:db8::1"), 80));
        // An IPv4-mapped IPv6 address is IPv6 to C tor's comparisons.
        Assert.Equal(PolicyResult.Accepted, p.Evaluate(IPAddress.Parse("::ffff:8.8.8.8"), 443));
    }

    [Theory]
    [InlineData("accept 1.2.3.4:80,reject *:*", 80, PolicyResult.ProbablyRejected)]
    [InlineData("accept 1.2.3.4:80,reject *:*", 81, PolicyResult.Rejected)]
    [InlineData("reject 1.2.3.4:80,accept *:*", 80, PolicyResult.ProbablyAccepted)]
    [InlineData("reject 1.2.3.4:80,accept *:*", 81, PolicyResult.Accepted)]
    [InlineData("reject 1.2.3.4:*", 80, PolicyResult.ProbablyAccepted)]
    [InlineData("accept 1.2.3.4:*", 80, PolicyResult.Accepted)]
    [InlineData("reject *4:25,accept *:*", 25, PolicyResult.Rejected)] // a one-family wildcard decides
    [InlineData("reject *:*", 0, PolicyResult.Rejected)]
    public void UnknownAddressesAreDecidedByWildcardRules(string torrc, int port, PolicyResult expected) =>
        Assert.Equal(expected, Policy(torrc).EvaluateUnknownAddress((ushort)port));

    [Fact]
    public void TheNullAddressCountsAsUnknown()
    {
        ExitPolicy p = Policy("accept 0.0.0.0/8:80,reject *:*");
        Assert.Equal(PolicyResult.ProbablyRejected, p.Evaluate(IPAddress.Any, 80));
        Assert.Equal(PolicyResult.ProbablyRejected, p.Evaluate(IPAddress.IPv6Any, 80));
    }

    [Fact]
    public void PortZeroCountsAsUnknownPort()
    {
        ExitPolicy p = Policy("reject 1.2.3.4:80,accept 1.2.3.0/24:*,reject *:*");
        Assert.Equal(PolicyResult.ProbablyAccepted, p.Evaluate(IPAddress.Parse("1.2.3.4"), 0));
        Assert.Equal(PolicyResult.Accepted, p.Evaluate(IPAddress.Parse("1.2.3.5"), 0));
        Assert.Equal(PolicyResult.Rejected, p.Evaluate(IPAddress.Parse("5.6.7.8"), 0));
    }

    [Fact]
    public void RejectStarIsDecidedPerFamily()
    {
        Assert.False(Policy("reject 192.168.0.0/16:*,accept *:*").IsRejectStarFor(AddressFamily.InterNetwork));
        Assert.True(Policy("reject 192.168.0.0/16:*").IsRejectStarFor(AddressFamily.InterNetwork));
        ExitPolicy accept6 = Policy("accept6 *:*");
        Assert.True(accept6.IsRejectStarFor(AddressFamily.InterNetwork));
        Assert.False(accept6.IsRejectStarFor(AddressFamily.InterNetworkV6));
        Assert.False(accept6.IsRejectStar);
        ExitPolicy reject6 = Policy("reject6 *:*");
        Assert.True(reject6.IsRejectStarFor(AddressFamily.InterNetwork));
        Assert.True(reject6.IsRejectStarFor(AddressFamily.InterNetworkV6));
        ExitPolicy empty = new([]);
        Assert.True(empty.IsRejectStar);
        Assert.False(empty.IsRejectStarFor(AddressFamily.InterNetwork, rejectByDefault: false));
        Assert.True(ExitPolicy.RejectAll.IsRejectStar);
    }

    [Fact]
    public void AnyAcceptOfAFamilyMeansNotRejectStar() =>
        Assert.False(Policy("accept 10.0.0.1:80,reject *:*").IsRejectStarFor(AddressFamily.InterNetwork));
}
