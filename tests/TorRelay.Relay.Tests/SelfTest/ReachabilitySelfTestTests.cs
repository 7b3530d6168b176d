using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using TorRelay.Core.Channels;
using TorRelay.Crypto;
using TorRelay.Relay.SelfTest;

namespace TorRelay.Relay.Tests.SelfTest;

/// <summary>The publication gate: AssumeReachable opens it at once; otherwise the first proof for each advertised family.</summary>
public class ReachabilitySelfTestTests
{
    private static RelaySettings Settings(bool assumeReachable, params IPEndPoint[] ipv6) => new()
    {
        Nickname = "t", DataDirectory = "/nonexistent", OrListen = [], AdvertisedOrPort = new IPEndPoint(IPAddress.Parse("198.51.100.7"), 9001),
        AdvertisedOrAddresses = ipv6, Authorities = [], BandwidthRate = 1 << 20, BandwidthBurst = 1 << 20, AssumeReachable = assumeReachable,
    };

    private static readonly IPEndPoint OurIpv6 = new(IPAddress.Parse("2001:db8::7"), 9001);

    private static ReachabilitySelfTest Create(RelaySettings settings, Action onReachable) =>
        new(settings, TimeProvider.System, NullLogger.Instance, SystemRandom.Instance, _ => null,
            (_, _) => Task.FromException<Channel>(new IOException("no network in unit tests")), onReachable);

    [Fact]
    public void AssumeReachableSkipsTheTest()
    {
        var test = Create(Settings(assumeReachable: true), () => { });
        Assert.True(test.AllSeemReachable);
    }

    [Fact]
    public void UploadWaitsForIpv4ReachabilityAndIsRequestedOnce()
    {
        int requested = 0;
        var test = Create(Settings(assumeReachable: false), () => requested++);
        Assert.False(test.AllSeemReachable);
        test.FoundReachable(System.Net.Sockets.AddressFamily.InterNetwork);
        test.FoundReachable(System.Net.Sockets.AddressFamily.InterNetwork);
        Assert.True(test.AllSeemReachable);
        Assert.Equal(1, requested);
    }

    [Fact]
    public void AnAdvertisedIpv6OrPortMustBeReachableToo()
    {
        int requested = 0;
        var test = Create(Settings(false, new IPEndPoint(IPAddress.Parse("2001:db8::7"), 9001)), () => requested++);
        test.FoundReachable(System.Net.Sockets.AddressFamily.InterNetwork);
        Assert.False(test.AllSeemReachable);
        test.FoundReachable(System.Net.Sockets.AddressFamily.InterNetworkV6);
        Assert.True(test.AllSeemReachable);
        Assert.Equal(1, requested);
    }

    [Theory]
    [InlineData(true, true)]    // AssumeReachableIPv6 1: only IPv4 is tested
    [InlineData(null, false)]   // auto: C tor tests IPv6 unless AssumeReachable (an autobool's auto is not 1)
    [InlineData(false, false)]
    public void AssumeReachableIpv6SkipsOnlyTheIpv6Test(bool? assumeIpv6, bool publishableAfterIpv4)
    {
        int requested = 0;
        var test = Create(Settings(false, OurIpv6) with { AssumeReachableIPv6 = assumeIpv6 }, () => requested++);
        Assert.False(test.AllSeemReachable);
        Assert.Equal(assumeIpv6 == true, test.SeemsReachable(System.Net.Sockets.AddressFamily.InterNetworkV6));
        test.FoundReachable(System.Net.Sockets.AddressFamily.InterNetwork);
        Assert.Equal(publishableAfterIpv4, test.AllSeemReachable);
        Assert.Equal(publishableAfterIpv4 ? 1 : 0, requested);
    }
}
