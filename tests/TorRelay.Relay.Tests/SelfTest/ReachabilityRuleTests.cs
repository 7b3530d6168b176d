using System.Net;
using System.Net.Sockets;
using TorRelay.Cells.Link;
using TorRelay.Core.Channels;
using TorRelay.Relay.SelfTest;

namespace TorRelay.Relay.Tests.SelfTest;

/// <summary>C tor's onionskin_answer rule: only a CREATE on a channel the peer opened to our published address counts.</summary>
public class ReachabilityRuleTests
{
    private static readonly IPAddress Ours = IPAddress.Parse("198.51.100.7");

    private static LinkHandshakeResult Link(bool inbound, string remote, string? claimedOurs) =>
        new(5, null, inbound, new NetinfoCell(0, claimedOurs is null ? null : IPAddress.Parse(claimedOurs), []), null,
            new IPEndPoint(IPAddress.Parse(remote), 40000));

    [Fact]
    public void InboundChannelWhosePeerReachedOurPublishedAddressShowsIpv4Reachable() =>
        Assert.Equal(AddressFamily.InterNetwork, ReachabilityRule.Evaluate(Link(true, "203.0.113.9", "198.51.100.7"), [Ours], false));

    [Fact]
    public void OutboundChannelProvesNothing() =>
        Assert.Null(ReachabilityRule.Evaluate(Link(false, "203.0.113.9", "198.51.100.7"), [Ours], false));

    [Fact]
    public void PeerThatReachedAnotherAddressProvesNothing() =>
        Assert.Null(ReachabilityRule.Evaluate(Link(true, "203.0.113.9", "198.51.100.8"), [Ours], false));

    [Fact]
    public void NetinfoWithoutOurAddressProvesNothing() =>
        Assert.Null(ReachabilityRule.Evaluate(Link(true, "203.0.113.9", null), [Ours], false));

    [Theory]
    [InlineData("127.0.0.1")] // internal
    [InlineData("198.51.100.200")] // our own /24 (EnforceDistinctSubnets)
    public void LocalPeerCountsOnlyWithExtendAllowPrivateAddresses(string remote)
    {
        Assert.Null(ReachabilityRule.Evaluate(Link(true, remote, "198.51.100.7"), [Ours], false));
        Assert.Equal(AddressFamily.InterNetwork, ReachabilityRule.Evaluate(Link(true, remote, "198.51.100.7"), [Ours], true));
    }

    [Fact]
    public void ClaimedFamilyMustBeTheOneThePeerUsed()
    {
        var v6 = IPAddress.Parse("2001:db8::7");
        Assert.Null(ReachabilityRule.Evaluate(Link(true, "203.0.113.9", "2001:db8::7"), [Ours, v6], false));
        Assert.Equal(AddressFamily.InterNetworkV6, ReachabilityRule.Evaluate(Link(true, "2001:db8:1::9", "2001:db8::7"), [Ours, v6], false));
    }
}
