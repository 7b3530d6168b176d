using System.Net;
using TorRelay.Core.Channels;
using TorRelay.Core.Circuits.Origin;
using TorRelay.Directory.Cache;
using TorRelay.Directory.Consensus;
using TorRelay.Directory.Descriptors;
using TorRelay.Relay.Keys;

namespace TorRelay.Relay.SelfTest;

/// <summary>
/// Testing-circuit paths from what the relay already holds: the verified consensus, the microdescriptors in our
/// directory cache (ntor and ed25519 keys), our open channels, and our own keys for the last hop.
/// </summary>
public sealed class TestingPathSource(string nickname, Func<MicrodescConsensus?> consensus, DirectoryDocumentStore store,
    ChannelManager channels, Func<RelayKeys> keys)
{
    /// <summary>A path ending at our ORPort <paramref name="orPort"/>, or null while we lack the information.</summary>
    public TestingPath? Choose(IPEndPoint orPort)
    {
        if (consensus() is not { } c) return null;
        var k = keys();
        var self = new CircuitTarget(nickname, orPort, k.Identity.PublicKey.Fingerprint, k.MasterIdentityKey.Bytes, k.NtorOnionKey.PublicKey.ToArray());
        var snapshot = store.Current;
        var outbound = channels.Snapshot().Where(ch => !ch.Inbound && !ch.IsClosed && ch.Peer is not null)
            .Select(ch => ch.Peer!.Hex).ToHashSet(StringComparer.Ordinal);
        return TestingPathSelector.Choose(c.Routers, r => Resolve(snapshot, r), self,
            id => outbound.Contains(Convert.ToHexString(id)), Random.Shared);
    }

    private static CircuitTarget? Resolve(DirectoryCacheSnapshot snapshot, RouterStatusEntry r)
    {
        if (snapshot.FindMicrodescriptor(r.MicrodescriptorDigest) is not { } md) return null;
        if (!MicrodescriptorKeys.TryParse(md.Body, out var ntor, out var ed)) return null;
        return new CircuitTarget(r.Nickname, new IPEndPoint(r.Address, r.OrPort), r.Identity, ed, ntor);
    }
}
