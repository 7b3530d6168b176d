using System.Diagnostics;
using Microsoft.Extensions.Logging;
using TorRelay.TestNet;

namespace TorRelay.NetBench;

/// <summary>
/// <c>--saturation</c>: the forwarding load of <see cref="ScalingBench"/> (<see cref="CircuitPump"/> → middle →
/// <see cref="DropSink"/>s) pushed through our relay and then through a C tor 0.4.9 relay, each pinned to the same one
/// CPU while generator and sinks run on the other CPUs, in one network and one run. The download benchmarks measure a
/// relay at the 5–10 MiB/s a C tor client, guard and exit sustain on this machine, where each wake-up carries a few
/// dozen cells. Here the middle gets as much as the generator can send (its CPU use shows how close to saturated it
/// ran), so its CPU per cell is its cost with the per-wake-up expenses spread over full batches. With <c>--rate</c> the
/// generator sends a fixed number of cells per second in bursts (about one per timer tick), so both middles see the
/// same wake-ups and CPU per cell can be compared at the rates of the download benchmarks.
/// </summary>
public static class SaturationBench
{
    public static async Task RunAsync(string relayBinary, ScalingOptions options, ILogger log)
    {
        var allowed = CpuAffinity.Allowed(Environment.ProcessId);
        if (allowed.Count < 2)
        {
            Console.WriteLine($"--saturation needs 2 CPUs (one for the relay, the rest for the load); {allowed.Count} here");
            return;
        }
        // One run on one CPU (no ratio to take, so no rate); its row holds both middles' rows.
        var runs = await CoreCountRuns.RunAsync(relayBinary, [1], async (wrapper, relayCpus, benchCpus) =>
        {
            // One authority and one C tor relay besides ours; neither middle needs a consensus to forward.
            await using var network = await TorNetwork.StartAsync(new NetworkSpec
            {
                Authorities = 1, Relays = 1, Exits = 0, Client = false, OurRelayBinary = wrapper,
            }, log);
            var ctor = network.Relays.First(n => n.IsCTor);
            CpuAffinity.Pin(ctor.Pid, relayCpus);
            CpuAffinity.Pin(Environment.ProcessId, benchCpus);
            var rows = new List<string>();
            foreach (var (node, name) in new[] { (network.OurRelay!, "torrelay (ours)"), (ctor, "C tor 0.4.9") })
            {
                string fp = await network.ResolveFingerprintAsync(node, TimeSpan.FromSeconds(60));
                rows.Add(await MeasureAsync(node, fp, name, options));
            }
            return (0, string.Join('\n', rows));
        });
        string relayCpuList = CpuAffinity.ToList(allowed.Take(1)), benchCpuList = CpuAffinity.ToList(allowed.Skip(1));

        Console.WriteLine();
        Console.WriteLine($"Middle relay on 1 CPU ({relayCpuList}), loaded by {(options.Rate > 0 ? $"{options.Rate} cells/s" : "all the generator sends")}: {options.Circuits} circuits over " +
                          $"{options.Links} links to {options.Sinks} sinks, RELAY_DROP cells, generator and sinks on CPUs {benchCpuList}, " +
                          $"{options.Measure.TotalSeconds:F0} s measured after {options.WarmUp.TotalSeconds:F0} s; MiB are of 514-byte cells");
        Console.WriteLine("| middle | cells/s forwarded | MiB/s | relay CPU (cores) | µs CPU/cell | CPU ms/MiB " +
                          "| cells per wake-up | RSS MiB after | cells verified at sinks | corrupt | cells back at the generator |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var run in runs) Console.WriteLine(run.Row);
    }

    private static async Task<string> MeasureAsync(TorNode middle, string fingerprint, string name, ScalingOptions options)
    {
        return await ForwardingLoad.RunAsync(middle.OrPort, fingerprint, options, async (sinks, pump) =>
        {
            var (relay0, cells0, clock) = (ProcessSample.Read(middle.Pid), sinks.Sum(s => s.Cells), Stopwatch.StartNew());
            await Task.Delay(options.Measure);
            var (relay1, cells1, seconds) = (ProcessSample.Read(middle.Pid), sinks.Sum(s => s.Cells), clock.Elapsed.TotalSeconds);

            long cells = Math.Max(1, cells1 - cells0);
            double cpu = (relay1.Cpu - relay0.Cpu).TotalSeconds;
            double mib = cells * (double)ForwardingLoad.CellBytes / 1048576;
            return $"| {name} | {cells / seconds:F0} | {mib / seconds:F1} | {cpu / seconds:F2} | {cpu * 1e6 / cells:F2} | " +
                   $"{cpu * 1e3 / mib:F2} | {cells / (double)Math.Max(1, relay1.SleepsSince(relay0)):F1} | " +
                   $"{relay1.RssBytes / 1048576.0:F1} | {sinks.Sum(s => s.Verified)} | " +
                   $"{sinks.Sum(s => s.Corrupt)} | {pump.LateCells} |";
        });
    }
}
