using Microsoft.Extensions.Logging;

namespace TorRelay.TestNet;

/// <summary>
/// What `make run` does while the network runs: reports each relay's consensus flags as they change (our relay's
/// first of all) until cancelled; returns 1 if our relay's process dies.
/// </summary>
internal static class NetworkMonitor
{
    public static async Task<int> RunAsync(TorNetwork network, ILogger log, CancellationToken ct)
    {
        var seen = new Dictionary<string, string>();
        var ours = network.OurRelay;
        bool ourRelayListed = false;
        while (true)
        {
            if (ours?.Process is { HasExited: true })
            {
                log.LogError("our relay exited\n{Tail}", network.LogTail(ours));
                return 1;
            }
            var dead = network.CTorNodes.FirstOrDefault(n => n.Process is { HasExited: true });
            if (dead is not null)
            {
                log.LogError("{Node} exited\n{Tail}", dead.Nickname, network.LogTail(dead));
                return 1;
            }

            var consensus = await network.TryFetchConsensusAsync(ConsensusFlavor.Ns, ct);
            if (consensus is not null)
            {
                foreach (var relay in network.Nodes.Where(n => n.Role is not (NodeRole.Client or NodeRole.BridgeClient)))
                {
                    var entry = consensus.FindByNickname(relay.Nickname);
                    string flags = entry is null ? "(not listed)" : string.Join(' ', entry.Flags.Order());
                    if (seen.TryGetValue(relay.Nickname, out string? before) && before == flags)
                        continue;
                    if (before is null && entry is null)
                    {
                        seen[relay.Nickname] = flags;
                        continue;
                    }
                    seen[relay.Nickname] = flags;
                    log.LogInformation("consensus {ValidAfter:HH:mm:ss}: {Nick} {Flags}", consensus.ValidAfter,
                        relay.Nickname, flags);
                    if (relay == ours && entry is not null && relay.Fingerprint is null)
                        await network.ResolveFingerprintAsync(relay, TimeSpan.FromSeconds(5), ct);
                }
                if (ours is not null && !ourRelayListed && consensus.FindByNickname(ours.Nickname) is { } e &&
                    e.HasFlags(["Running", "Valid"]))
                {
                    ourRelayListed = true;
                    log.LogInformation("our relay {Nick} (${Fp}) is Running and Valid, {Seconds:F0} s after start",
                        ours.Nickname, e.Fingerprint, (DateTimeOffset.UtcNow - network.StartedAt).TotalSeconds);
                }
            }
            await Task.Delay(TimeSpan.FromSeconds(3), ct);
        }
    }
}
