using TorRelay.Core.Circuits.Origin;
using TorRelay.Directory.Consensus;

namespace TorRelay.Relay.SelfTest;

/// <summary>
/// Picks a testing circuit's path as C tor's circuit_launch_by_extend_info does for CIRCUIT_PURPOSE_TESTING: we are
/// the last hop; the middle and entry are other Running, Valid relays whose keys we hold, the entry preferably a Guard.
/// The middle is preferably one we have no channel of our own to: it would reuse that channel to reach us (C tor's
/// channel_get_for_extend matches by address), and a CREATE on a channel we opened proves nothing.
/// </summary>
public static class TestingPathSelector
{
    /// <param name="resolve">The keys and address of a router, or null when we lack its microdescriptor.</param>
    /// <param name="weOpenedChannelTo">Whether we hold an open channel we initiated to this RSA identity.</param>
    public static TestingPath? Choose(IReadOnlyList<RouterStatusEntry> routers, Func<RouterStatusEntry, CircuitTarget?> resolve,
        CircuitTarget self, Func<byte[], bool> weOpenedChannelTo, Random random)
    {
        var usable = new List<(RouterStatusEntry Entry, CircuitTarget Target)>();
        foreach (var r in routers)
        {
            if (!r.IsRunning || !r.IsValid || r.Identity.AsSpan().SequenceEqual(self.RsaIdentity)) continue;
            if (resolve(r) is { } target) usable.Add((r, target));
        }
        if (usable.Count < 2) return null;
        var middles = usable.Where(u => !weOpenedChannelTo(u.Target.RsaIdentity)).ToList();
        var middle = Pick(middles.Count > 0 ? middles : usable, random);
        var entries = usable.Where(u => u.Target != middle.Target).ToList();
        var guards = entries.Where(u => u.Entry.HasFlag("Guard")).ToList();
        var entry = Pick(guards.Count > 0 ? guards : entries, random);
        return new TestingPath(entry.Target, middle.Target, self);
    }

    private static T Pick<T>(List<T> items, Random random) => items[random.Next(items.Count)];
}
