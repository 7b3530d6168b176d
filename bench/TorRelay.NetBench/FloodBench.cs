using System.Net;
using Microsoft.Extensions.Logging;
using TorRelay.TestNet;

namespace TorRelay.NetBench;

/// <summary>
/// <c>--flood</c>: for each middle (ours, then C tor) with the client's path pinned through it, a baseline download,
/// then a CREATE_FAST flood from many links at the middle's ORPort and the same download again through the already
/// built circuit while the flood runs. Reports throughput kept, the flood actually delivered, the middle's answers,
/// its CPU during the flood and its RSS before, at peak and after the flood's links are gone.
/// </summary>
public static class FloodBench
{
    /// <summary>Time the target gets after the flood's links close, before its "after" RSS is read: over a minute, so
    /// that our relay's once-a-minute memory check (MemoryReclaimer) has run.</summary>
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(65);

    private const int BaselineAttempts = 3;

    public static async Task RunAsync(string relayBinary, int mib, FloodOptions options, ILogger log)
    {
        await using var net = await MiddleBenchNetwork.StartAsync(relayBinary, log,
            options.Dos ? ["ConsensusParams DoSCircuitCreationEnabled=1 DoSConnectionEnabled=1"] : null);
        await using var server = new BulkHttpServer((long)mib * 1024 * 1024);
        using var identity = new BenchRelayIdentity();
        var rows = new List<string>();
        foreach (var middle in net.Middles)
        {
            // The first stream on a newly pinned path is not representative (on a fresh network it may even wait on a
            // circuit that never takes it): it warms up, the next one is the baseline. On failure, pin anew and retry.
            Socks5Download.Result? baseline = null;
            for (int attempt = 1; baseline is null && attempt <= BaselineAttempts; attempt++)
            {
                await net.PinMiddleAsync(middle);
                if (await DownloadAsync(net, server, TimeSpan.FromMinutes(3)) is not null)
                    baseline = await DownloadAsync(net, server, TimeSpan.FromMinutes(3));
            }
            if (baseline is null) throw new InvalidOperationException($"baseline download through {middle.Name} did not finish");
            Console.WriteLine($"{middle.Name}: baseline {Rate(baseline):F1} MiB/s; flooding {options.Links} links at {options.Rate}/s for {options.Duration.TotalSeconds:F0} s");

            await using var rss = new RssSampler(middle.Node.Pid);
            Socks5Download.Result? underFlood;
            ProcessSample cpuBefore, cpuAfter;
            TimeSpan floodTime;
            long sent, created, destroyed, other, linksClosed;
            string reasons;
            var flood = new FloodGenerator(identity, options);
            try
            {
                await flood.StartAsync(new IPEndPoint(IPAddress.Loopback, middle.Node.OrPort), Convert.FromHexString(middle.Fingerprint),
                    CancellationToken.None);
                cpuBefore = ProcessSample.Read(middle.Node.Pid);
                await Task.Delay(options.WarmUp);
                underFlood = await DownloadAsync(net, server, options.Duration - flood.Elapsed);
                var left = options.Duration - flood.Elapsed;
                if (left > TimeSpan.Zero) await Task.Delay(left);
                await flood.StopSendingAsync();
                cpuAfter = ProcessSample.Read(middle.Node.Pid);
                (floodTime, sent, created, destroyed, other, linksClosed, reasons) = (flood.Elapsed, flood.Sent, flood.CreatedFast,
                    flood.Destroys, flood.OtherCells, flood.LinksClosed + flood.LinksRefused, flood.DestroyReasons());
            }
            finally
            {
                await flood.DisposeAsync();
            }
            await Task.Delay(Settle);
            await rss.DisposeAsync();

            string kept = underFlood is null
                ? $"< {100 * mib / (options.Duration - options.WarmUp).TotalSeconds / Rate(baseline):F0} (unfinished)"
                : $"{100 * Rate(underFlood) / Rate(baseline):F0}";
            string during = underFlood is null ? "unfinished" : $"{Rate(underFlood):F1}";
            double cores = (cpuAfter.Cpu - cpuBefore.Cpu).TotalSeconds / floodTime.TotalSeconds;
            rows.Add($"| {middle.Name} | {Rate(baseline):F1} | {during} | {kept} | {sent / floodTime.TotalSeconds:F0} | {created} | " +
                     $"{destroyed}{(reasons.Length > 0 ? $" ({reasons})" : "")} | {other} | {linksClosed} | {cores:F2} | {Mib(rss.First)} | {Mib(rss.Peak)} | {Mib(rss.Last)} |");
            Console.WriteLine(rows[^1]);
        }
        Console.WriteLine();
        Console.WriteLine($"CREATE_FAST flood on the middle relay: {options.Links} links, {options.Rate} cells/s asked, " +
                          $"{options.Duration.TotalSeconds:F0} s per relay, answered circuits " +
                          (options.DestroyAnswered ? "destroyed at once" : "abandoned (left open until the links close)") +
                          $"; {mib} MiB download through a pinned, already built circuit; loopback, {Environment.ProcessorCount} cores" +
                          (options.Dos ? "; DoS defences on through the consensus (DoSCircuitCreationEnabled=1 DoSConnectionEnabled=1)" : ""));
        Console.WriteLine("| middle | baseline MiB/s | under flood MiB/s | kept % | flood cells/s achieved | CREATED_FAST | DESTROY | other cells " +
                          "| links refused or closed by target | middle CPU during flood (cores) | RSS before MiB | RSS peak MiB | RSS after MiB |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var r in rows) Console.WriteLine(r);
    }

    /// <summary>One download through the client; null if it failed or did not finish within <paramref name="limit"/>.</summary>
    private static async Task<Socks5Download.Result?> DownloadAsync(MiddleBenchNetwork net, BulkHttpServer server, TimeSpan limit)
    {
        if (limit <= TimeSpan.Zero) return null;
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            var result = await Socks5Download.GetAsync(net.Client.SocksPort, "127.0.0.1", server.Port, timeout.Token);
            if (result.BodyBytes != server.Length || result.Sha256 != server.ExpectedSha256)
                throw new InvalidOperationException($"download corrupted or cut short ({result.BodyBytes} of {server.Length} bytes)");
            return result;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            Console.WriteLine($"download unfinished after {limit.TotalSeconds:F0} s");
            return null;
        }
        catch (IOException e)
        {
            Console.WriteLine($"download failed: {e.Message}");
            return null;
        }
    }

    private static double Rate(Socks5Download.Result r) => r.BodyBytes / 1048576.0 / r.Elapsed.TotalSeconds;

    private static string Mib(long bytes) => (bytes / 1048576.0).ToString("F0", System.Globalization.CultureInfo.InvariantCulture);
}
