using Microsoft.Extensions.Logging;

namespace TorRelay.TestNet;

/// <summary>
/// The `make run` demo's traffic: once the client knows our relay, it pins our relay as the middle hop and downloads
/// a 20 MiB file from a loopback HTTP server in a loop (hash-checked), so the relay's metrics move.
/// </summary>
public static class DemoTraffic
{
    private const long DownloadBytes = 20L * 1024 * 1024;

    public static async Task RunAsync(TorNetwork network, ILogger log, CancellationToken ct)
    {
        var ours = network.OurRelay!;
        var client = network.Client!;
        string fp = await network.ResolveFingerprintAsync(ours, TimeSpan.FromMinutes(5), ct);
        await using var control = await network.ConnectControlAsync(client, ct);
        while (await control.GetNetworkStatusAsync(fp, ct) is null) await Task.Delay(2000, ct);
        // The guard is pinned to an authority: the client might otherwise pick our relay as guard, and a path whose
        // middle is its own guard cannot be built.
        string guard = await network.ResolveFingerprintAsync(network.Authorities[0], TimeSpan.FromMinutes(1), ct);
        await control.SendAsync($"SETCONF EntryNodes=${guard} MiddleNodes=${fp} StrictNodes=1", ct);
        await using var server = new BulkHttpServer(DownloadBytes);
        log.LogInformation("demo traffic: downloading {MiB} MiB in a loop through the client with our relay as middle hop", DownloadBytes >> 20);
        for (int round = 1; !ct.IsCancellationRequested; round++)
        {
            try
            {
                // A young network's exits re-publish, and the client waits for their descriptors: retry until it can.
                var r = await ClientStreams.RunAsync(network, attempt => Socks5Download.GetAsync(client.SocksPort, "127.0.0.1", server.Port, attempt),
                    TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(1), ct);
                bool ok = r.Sha256 == server.ExpectedSha256;
                log.LogInformation("demo traffic: download {Round}: {MiB:F1} MiB in {Seconds:F1} s ({Rate:F1} MiB/s), hash {Check}",
                    round, r.BodyBytes / 1048576.0, r.Elapsed.TotalSeconds, r.BodyBytes / 1048576.0 / r.Elapsed.TotalSeconds, ok ? "ok" : "MISMATCH");
            }
            catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or TimeoutException
                                      || (e is OperationCanceledException && !ct.IsCancellationRequested))
            {
                log.LogInformation("demo traffic: download {Round} failed ({Reason}); retrying", round, e.Message);
            }
            await Task.Delay(TimeSpan.FromSeconds(5), ct);
        }
    }
}
