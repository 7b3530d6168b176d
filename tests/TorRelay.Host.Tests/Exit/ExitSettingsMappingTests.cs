using System.Net;
using TorRelay.Directory.Policy;

namespace TorRelay.Host.Tests.Exit;

/// <summary>torrc exit options become the policy we enforce and publish, as C tor builds it.</summary>
public sealed class ExitSettingsMappingTests
{
    private static Relay.RelaySettings Map(string lines) => MappedSettings.Of(lines);

    [Fact]
    public void ALoopbackOnlyExitPublishesItsAcceptLines()
    {
        var s = Map("ExitRelay 1\nExitPolicy reject 127.0.0.1:4000\nExitPolicy accept 127.0.0.1:*\nExitPolicy reject *:*\nExitPolicyRejectPrivate 0\n");
        Assert.Equal(["reject 127.0.0.1:4000", "accept 127.0.0.1:*", "reject *:*"], s.Exit.Policy.ToDescriptorLines());
        Assert.Equal(PolicyResult.Accepted, s.Exit.Policy.Evaluate(IPAddress.Loopback, 80));
        Assert.Equal(PolicyResult.Rejected, s.Exit.Policy.Evaluate(IPAddress.Loopback, 4000));
        Assert.Equal(PolicyResult.Rejected, s.Exit.Policy.Evaluate(IPAddress.Parse("127.0.0.2"), 80));
    }

    [Fact]
    public void RejectPrivateShadowsLoopbackAccepts()
    {
        var s = Map("ExitRelay 1\nExitPolicy accept 127.0.0.1:*\nExitPolicy reject *:*\nExitPolicyRejectPrivate 1\n");
        Assert.Equal(PolicyResult.Rejected, s.Exit.Policy.Evaluate(IPAddress.Loopback, 80));
        Assert.True(s.Exit.Policy.IsRejectStar);
    }

    [Fact]
    public void ANonExitRejectsEverything()
    {
        var s = Map("ExitRelay 0\n");
        Assert.True(s.Exit.Policy.IsRejectStar);
        Assert.Equal(["reject *:*"], s.Exit.Policy.ToDescriptorLines());
    }

    [Fact]
    public void ServerDnsOptionsReachTheResolver()
    {
        var s = Map("ServerDNSResolvConfFile /tmp/x-resolv.conf\nServerDNSAllowBrokenConfig 0\nServerDNSRandomizeCase 0\n");
        Assert.Equal("/tmp/x-resolv.conf", s.Dns.ResolvConfFile);
        Assert.False(s.Dns.AllowBrokenConfig);
        Assert.False(s.Dns.RandomizeCase);
    }
}
