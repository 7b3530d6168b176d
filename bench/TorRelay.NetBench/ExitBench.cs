using Microsoft.Extensions.Logging;
using TorRelay.TestNet;

namespace TorRelay.NetBench;

/// <summary>
/// Exit relays side by side: the same download through a C tor client with our relay as the exit, then with the C
/// tor exit (guard an authority, middle the C tor relay, conflux off), in one network. Every relay lives at
/// 127.0.0.1, so C tor would send the stream to whichever relay there accepts it ("exit enclave"): the other exit is
/// excluded each time. Reports the exit's CPU ms per MiB, throughput and RSS.
/// </summary>
public static class ExitBench
{
    public static async Task RunAsync(string relayBinary, int mib, int rounds, ILogger log)
    {
        await using var network = await TorNetwork.StartAsync(new NetworkSpec
        {
            Authorities = 3, Relays = 1, Exits = 1, Client = true, OurRelayBinary = relayBinary, OurRelayIsExit = true,
            ClientExtraLines = ["ConfluxEnabled 0"],
        }, log);
        var timeout = TimeSpan.FromSeconds(120);
        string ourFp = await network.ResolveFingerprintAsync(network.OurRelay!, timeout);
        string cExitFp = await network.ResolveFingerprintAsync(network.Exits[0], timeout);
        string guardFp = await network.ResolveFingerprintAsync(network.Authorities[0], timeout);
        string middleFp = await network.ResolveFingerprintAsync(network.Relays.First(r => r.Role == NodeRole.Relay), timeout);
        await network.WaitForClientBootstrapAsync(TimeSpan.FromSeconds(180));
        await using var control = await network.ConnectControlAsync(network.Client!);
        await using var server = new BulkHttpServer((long)mib * 1024 * 1024);
        var exits = new[] { (network.OurRelay!, ourFp, cExitFp, "torrelay (ours)"), (network.Exits[0], cExitFp, ourFp, "C tor 0.4.9") };
        Console.WriteLine($"idle RSS: ours {ProcessSample.ReadRssBytes(exits[0].Item1.Pid) / 1048576.0:F1} MiB, " +
                          $"C tor {ProcessSample.ReadRssBytes(exits[1].Item1.Pid) / 1048576.0:F1} MiB");
        var rows = new List<string>();
        for (int round = 1; round <= rounds; round++)
        {
            foreach (var (node, fp, other, name) in exits)
            {
                await control.SendAsync($"SETCONF EntryNodes=${guardFp} MiddleNodes=${middleFp} ExitNodes=${fp} ExcludeExitNodes=${other} StrictNodes=1");
                // CPU is counted from the attempt that downloads, as in the middle benchmark: while the young network's
                // client still lacks exit paths it may launch hundreds of circuits per second at the exit it was pinned to
                // (every exit here has the microdescriptor policy reject 1-65535), which is not the download's cost.
                ProcessSample? before = null;
                var result = await ClientStreams.RunAsync(network, ct =>
                {
                    before = ProcessSample.Read(node.Pid);
                    return Socks5Download.GetAsync(network.Client!.SocksPort, "127.0.0.1", server.Port, ct);
                }, TimeSpan.FromMinutes(6), TimeSpan.FromMinutes(3));
                var after = ProcessSample.Read(node.Pid);
                if (result.Sha256 != server.ExpectedSha256) throw new InvalidOperationException("download corrupted");
                rows.Add($"| {round} | {name} {DownloadRow.Format(result, before!, after)}");
                Console.WriteLine(rows[^1]);
            }
        }
        Console.WriteLine();
        Console.WriteLine($"Exit relay, {mib} MiB per download through a C tor 0.4.9 client (ConfluxEnabled 0), loopback, {Environment.ProcessorCount} cores");
        Console.WriteLine("| round | exit " + DownloadRow.Columns);
        Console.WriteLine("|---|---" + DownloadRow.Rule);
        foreach (var r in rows) Console.WriteLine(r);
    }
}
