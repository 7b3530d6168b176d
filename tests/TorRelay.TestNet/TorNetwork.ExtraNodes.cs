using Microsoft.Extensions.Logging;

namespace TorRelay.TestNet;

public sealed partial class TorNetwork
{
    /// <summary>
    /// Starts one more C tor client in a running network, with a client torrc like client0's (without <see cref="NetworkSpec.ClientExtraLines"/>) plus
    /// <paramref name="extraLines"/> (e.g. <c>EntryNodes $FP</c>, <c>ConnectionPadding 0</c>): its own DataDirectory,
    /// SocksPort and ControlPort on 127.0.0.1. Returns once its ports listen.
    /// </summary>
    public async Task<TorNode> StartExtraClientAsync(string nickname, IReadOnlyList<string> extraLines, CancellationToken ct = default)
    {
        var node = new TorNode(nickname, NodeRole.Client, isCTor: true, NewExtraNodeDirectory(nickname))
        {
            SocksPort = PortAllocator.FreePort(),
            ControlPort = PortAllocator.FreePort(),
        };
        // The empty GeoIP file and the dead-end resolv.conf were written when the network started.
        string torrc = TorrcWriter.CTor(node, Authorities, Exits, Path.Combine(WorkDir, "empty"),
            Path.Combine(WorkDir, "resolv.conf"), Environment.ProcessId, extraLines);
        await StartExtraNodeAsync(node, torrc, ct).ConfigureAwait(false);
        return node;
    }

    /// <summary>
    /// Starts one more instance of our relay (<see cref="NetworkSpec.OurRelayBinary"/>) in a running network, with its
    /// own nickname, ORPort and DataDirectory, and AssumeReachable as asked (the network's own instances keep
    /// AssumeReachable 1). Returns once its ORPort listens.
    /// </summary>
    public async Task<TorNode> StartExtraRelayAsync(string nickname, bool assumeReachable, CancellationToken ct = default)
    {
        if (Spec.OurRelayBinary is null || Spec.OurRelayCTorStandIn)
            throw new InvalidOperationException("the network has no binary of our relay to start");
        var node = new TorNode(nickname, NodeRole.OurRelay, isCTor: false, NewExtraNodeDirectory(nickname))
        {
            OrPort = PortAllocator.FreePort(),
        };
        // A later line wins in a torrc, so this overrides the AssumeReachable 1 every instance of ours gets.
        string torrc = TorrcWriter.OurRelay(node, Authorities) + $"AssumeReachable {(assumeReachable ? 1 : 0)}\n";
        await StartExtraNodeAsync(node, torrc, ct).ConfigureAwait(false);
        node.Fingerprint = ReadFingerprintFile(node);
        return node;
    }

    /// <summary>
    /// Stops a node from <see cref="StartExtraClientAsync"/> or <see cref="StartExtraRelayAsync"/> before the network
    /// stops, by its PID: SIGTERM, then SIGKILL after 5 s. (Extra nodes are among <see cref="Nodes"/>, so
    /// <see cref="StopAsync"/> stops them too.)
    /// </summary>
    public static async Task StopExtraNodeAsync(TorNode node)
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

    private string NewExtraNodeDirectory(string nickname)
    {
        string dir = Path.Combine(WorkDir, nickname);
        if (Directory.Exists(dir))
            throw new InvalidOperationException($"{dir} exists: nicknames of extra nodes must be new");
        Directory.CreateDirectory(dir);
        return dir;
    }

    private async Task StartExtraNodeAsync(TorNode node, string torrc, CancellationToken ct)
    {
        await File.WriteAllTextAsync(node.TorrcPath, torrc, ct).ConfigureAwait(false);
        _nodes.Add(node);
        StartProcess(node);
        _log.LogInformation("started extra node {Node}", node);
        await WaitUntilListeningAsync(node, ct).ConfigureAwait(false);
    }
}
