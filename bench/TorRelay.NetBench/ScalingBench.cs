using System.Diagnostics;
using Microsoft.Extensions.Logging;
using TorRelay.TestNet;

namespace TorRelay.NetBench;

/// <summary>
/// <c>--scaling</c>: aggregate forwarding throughput of our relay as a middle hop, started under taskset on 1 core,
/// then on 2 (one fresh relay per run). The load is <see cref="CircuitPump"/> (CREATE_FAST to our relay, EXTEND2 to
/// <see cref="DropSink"/>s in this process, RELAY_DROP cells sealed for the sink), so our relay runs its real forward
/// path on every cell: TLS in, circuit lookup, AES-CTR of its layer, recognized check, queue, TLS out. Generator and
/// sinks run in this process, pinned to the CPUs the relay does not get (when there are any), and their CPU use is
/// reported too: where they saturate their CPUs they, not the relay, set the rate.
/// </summary>
public static class ScalingBench
{
    public static async Task RunAsync(string relayBinary, ScalingOptions options, ILogger log)
    {
        var rows = await CoreCountRuns.RunAsync(relayBinary, options.Cores,
            (wrapper, relayCpus, benchCpus) => MeasureAsync(wrapper, relayCpus, benchCpus, options, log));
        int cpusHere = CpuAffinity.Allowed(Environment.ProcessId).Count;

        Console.WriteLine();
        Console.WriteLine($"Forwarding through our relay as middle: {options.Circuits} circuits over {options.Links} links to {options.Sinks} " +
                          $"sinks, RELAY_DROP cells, {options.Measure.TotalSeconds:F0} s measured after {options.WarmUp.TotalSeconds:F0} s; " +
                          $"{cpusHere} CPUs here (generator and sinks share the relay's CPUs when none are left over)");
        Console.WriteLine("| relay cores | relay CPUs | bench CPUs | cells/s forwarded | MiB/s forwarded | relay CPU (cores) | relay µs CPU/cell " +
                          "| bench CPU (cores) | cells verified at sinks | corrupt |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var r in rows) Console.WriteLine(r.Row);
        CoreCountRuns.PrintRatio(rows);
    }

    private static async Task<(double CellsPerSecond, string Row)> MeasureAsync(string wrapper, IReadOnlyList<int> relayCpus,
        IReadOnlyList<int> benchCpus, ScalingOptions options, ILogger log)
    {
        // Only an authority besides our relay: nothing else needs the CPUs. Our relay needs no consensus to forward.
        await using var network = await TorNetwork.StartAsync(new NetworkSpec
        {
            Authorities = 1, Relays = 0, Exits = 0, Client = false, OurRelayBinary = wrapper,
        }, log);
        var ours = network.OurRelay!;
        string fp = await network.ResolveFingerprintAsync(ours, TimeSpan.FromSeconds(60));
        string pinned = CpuAffinity.ToList(CpuAffinity.Allowed(ours.Pid));
        CpuAffinity.Pin(Environment.ProcessId, benchCpus);

        return await ForwardingLoad.RunAsync(ours.OrPort, fp, options, async (sinks, pump) =>
        {
            var (relay0, bench0, cells0, clock) = (ProcessSample.Read(ours.Pid), Process.GetCurrentProcess().TotalProcessorTime,
                sinks.Sum(s => s.Cells), Stopwatch.StartNew());
            await Task.Delay(options.Measure);
            var (relay1, bench1, cells1, seconds) = (ProcessSample.Read(ours.Pid), Process.GetCurrentProcess().TotalProcessorTime,
                sinks.Sum(s => s.Cells), clock.Elapsed.TotalSeconds);

            long cells = cells1 - cells0;
            double relayCpu = (relay1.Cpu - relay0.Cpu).TotalSeconds, rate = cells / seconds;
            string row = $"| {relayCpus.Count} | {pinned} | {CpuAffinity.ToList(benchCpus)} | {rate:F0} | {rate * ForwardingLoad.CellBytes / 1048576:F1} | " +
                         $"{relayCpu / seconds:F2} | {relayCpu * 1e6 / Math.Max(1, cells):F2} | {(bench1 - bench0).TotalSeconds / seconds:F2} | " +
                         $"{sinks.Sum(s => s.Verified)} | {sinks.Sum(s => s.Corrupt)} |";
            if (pump.LateCells > 0) Console.WriteLine($"note: {pump.LateCells} unexpected cells came back to the generator (circuits torn down?)");
            return (rate, row);
        });
    }
}
