using Microsoft.Extensions.Logging;

namespace TorRelay.TestNet;

public sealed partial class TorNetwork
{
    /// <summary>
    /// Starts one more instance of our relay (<see cref="NetworkSpec.OurRelayBinary"/>) in a running network, with its
    /// own nickname, ORPort and DataDirectory, and AssumeReachable as asked (the network's own instances keep
    /// AssumeReachable 1). Returns once its ORPort listens. It is one of <see cref="Nodes"/>, so <see cref="StopAsync"/>
    /// stops it too; <see cref="StopExtraRelayAsync"/> stops it earlier.
    /// </summary>
    public async Task<TorNode> StartExtraRelayAsync(string nickname, bool assumeReachable, CancellationToken ct = default)
    {
        if (Spec.OurRelayBinary is null || Spec.OurRelayCTorStandIn)
            throw new InvalidOperationException("the network has no binary of our relay to start");
        string dir = Path.Combine(WorkDir, nickname);
        if (Directory.Exists(dir))
            throw new InvalidOperationException($"{dir} exists: nicknames of extra relays must be new");
        Directory.CreateDirectory(dir);
        var node = new TorNode(nickname, NodeRole.OurRelay, isCTor: false, dir) { OrPort = PortAllocator.FreePort() };
        // A later line wins in a torrc, so this overrides the AssumeReachable 1 every instance of ours gets.
        string torrc = TorrcWriter.OurRelay(node, Authorities) + $"AssumeReachable {(assumeReachable ? 1 : 0)}\n";
        await File.WriteAllTextAsync(node.TorrcPath, torrc, ct).ConfigureAwait(false);
        _nodes.Add(node);
        StartProcess(node);
        _log.LogInformation("started extra relay {Node}", node);
        await WaitUntilListeningAsync(node, ct).ConfigureAwait(false);
        node.Fingerprint = ReadFingerprintFile(node);
        return node;
    }

    /// <summary>Stops an instance from <see cref="StartExtraRelayAsync"/> by its PID: SIGTERM, then SIGKILL after 5 s.</summary>
    public static async Task StopExtraRelayAsync(TorNode node)
    {
        if (node.Process is not { HasExited: false } process) return;
        process.Terminate();
        await process.WaitForExitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        if (!process.HasExited)
        {
            process.KillHard();
            await process.WaitForExitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
    }
}
