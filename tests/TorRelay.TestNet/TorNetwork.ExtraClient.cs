using Microsoft.Extensions.Logging;

namespace TorRelay.TestNet;

public sealed partial class TorNetwork
{
    /// <summary>
    /// Starts one more C tor client in a running network, with a client torrc like client0's (without <see cref="NetworkSpec.ClientExtraLines"/>) plus
    /// <paramref name="extraLines"/> (e.g. <c>EntryNodes $FP</c>, <c>ConnectionPadding 0</c>): its own DataDirectory,
    /// SocksPort and ControlPort on 127.0.0.1. Returns once its ports listen. It is one of <see cref="Nodes"/>, so
    /// <see cref="StopAsync"/> stops it too; <see cref="StopExtraClientAsync"/> stops it earlier, by PID.
    /// </summary>
    public async Task<TorNode> StartExtraClientAsync(string nickname, IReadOnlyList<string> extraLines, CancellationToken ct = default)
    {
        string dir = Path.Combine(WorkDir, nickname);
        if (Directory.Exists(dir))
            throw new InvalidOperationException($"{dir} exists: nicknames of extra clients must be new");
        Directory.CreateDirectory(dir);
        var node = new TorNode(nickname, NodeRole.Client, isCTor: true, dir)
        {
            SocksPort = PortAllocator.FreePort(),
            ControlPort = PortAllocator.FreePort(),
        };
        // The empty GeoIP file and the dead-end resolv.conf were written when the network started.
        string torrc = TorrcWriter.CTor(node, Authorities, Exits, Path.Combine(WorkDir, "empty"),
            Path.Combine(WorkDir, "resolv.conf"), Environment.ProcessId, extraLines);
        await File.WriteAllTextAsync(node.TorrcPath, torrc, ct).ConfigureAwait(false);
        _nodes.Add(node);
        StartProcess(node);
        _log.LogInformation("started extra client {Node}", node);
        await WaitUntilListeningAsync(node, ct).ConfigureAwait(false);
        return node;
    }

    /// <summary>Stops a client from <see cref="StartExtraClientAsync"/> by its PID: SIGTERM, then SIGKILL after 5 s.</summary>
    public static Task StopExtraClientAsync(TorNode node) => StopExtraRelayAsync(node);
}
