using System.Net;
using TorRelay.Core.Circuits.Origin;
using TorRelay.Directory.Consensus;
using TorRelay.Relay.SelfTest;

namespace TorRelay.Relay.Tests.SelfTest;

/// <summary>Testing paths end at us, use only Running relays we hold keys for, and avoid a middle we opened a channel to.</summary>
public class TestingPathSelectorTests
{
    private static RouterStatusEntry Router(byte id, params string[] flags) => new()
    {
        Nickname = "r" + id, Identity = Enumerable.Repeat(id, 20).ToArray(), Published = DateTimeOffset.UnixEpoch,
        Address = IPAddress.Loopback, OrPort = 5000 + id, DirPort = 0, OrAddresses = [], Flags = flags.ToHashSet(),
        MicrodescriptorDigest = new byte[32],
    };

    private static CircuitTarget Target(RouterStatusEntry r) =>
        new(r.Nickname, new IPEndPoint(r.Address, r.OrPort), r.Identity, null, new byte[32]);

    private static readonly CircuitTarget Self = new("me", new IPEndPoint(IPAddress.Loopback, 9), Enumerable.Repeat((byte)9, 20).ToArray(), null, new byte[32]);

    [Fact]
    public void MiddleIsNeverOneWeOpenedAChannelToWhenAnotherWillDo()
    {
        var routers = new[] { Router(1, "Running", "Valid", "Guard"), Router(2, "Running", "Valid"), Router(3, "Running", "Valid") };
        for (int seed = 0; seed < 50; seed++)
        {
            var path = TestingPathSelector.Choose(routers, Target, Self, id => id[0] != 3, new Random(seed))!;
            Assert.Equal("r3", path.Middle.Nickname);
            Assert.Equal("r1", path.Entry.Nickname); // the only Guard
            Assert.Same(Self, path.Self);
        }
    }

    [Fact]
    public void NoPathWithoutTwoUsableRelays()
    {
        var routers = new[] { Router(1, "Running", "Valid"), Router(2, "Valid"), Router(9, "Running", "Valid") };
        Assert.Null(TestingPathSelector.Choose(routers, Target, Self, _ => false, new Random(1)));
        var withKeys = new[] { Router(1, "Running", "Valid"), Router(3, "Running", "Valid") };
        Assert.Null(TestingPathSelector.Choose(withKeys, r => r.Nickname == "r1" ? Target(r) : null, Self, _ => false, new Random(1)));
    }
}
