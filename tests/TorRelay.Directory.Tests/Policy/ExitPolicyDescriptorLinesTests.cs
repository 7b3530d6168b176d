using TorRelay.Directory.Policy;

namespace TorRelay.Directory.Tests.Policy;

/// <summary>router_dump_exit_policy_to_string(router, 1, 0); cases adapted from C tor's test_dump_exit_policy_to_string.</summary>
public sealed class ExitPolicyDescriptorLinesTests
{
    private static ExitPolicy Policy(string torrc) => ExitPolicyEvaluateTests.Policy(torrc);

    [Fact]
    public void EmptyOrRejectAllPolicyIsRejectStar()
    {
        Assert.Equal(["reject *:*"], new ExitPolicy([]).ToDescriptorLines());
        Assert.Equal(["reject *:*"], ExitPolicy.RejectAll.ToDescriptorLines());
        Assert.Equal(["reject *:*"], Policy("reject 10.0.0.0/8:80,reject *:*").ToDescriptorLines());
    }

    [Fact]
    public void OnlyIPv4RulesAreWrittenInDescriptorSyntax()
    {
        ExitPolicy p = Policy("accept *:*,reject *:25,reject 8.8.8.8:*,reject6 [FC00::]/7:*,accept6 [C000::]/3:*");
        Assert.Equal(["accept *:*", "reject *:25", "reject 8.8.8.8:*"], p.ToDescriptorLines());
        Assert.Equal(
            ["accept6 *:*", "reject6 *:25", "reject6 [fc00::]/7:*", "accept6 [c000::]/3:*"],
            p.Rules.Where(r => r.Family == System.Net.Sockets.AddressFamily.InterNetworkV6).Select(r => r.ToDescriptorString()));
    }

    [Fact]
    public void AnIPv6OnlyExitStillWritesItsIPv4Rules() =>
        Assert.Equal(["reject 127.0.0.1:*", "reject *:*"], Policy("reject 127.0.0.1:*,reject *4:*,accept *6:443").ToDescriptorLines());

    [Fact]
    public void MasksPortsAndRangesAreWrittenAsCTorDoes() =>
        Assert.Equal(["accept 127.0.0.1:80-443", "reject 10.0.0.0/8:22", "accept *:65535", "reject *:*"],
            Policy("accept 127.0.0.1:80-443,reject 10.0.0.0/8:22,accept *4:65535,reject *:*").ToDescriptorLines());
}
