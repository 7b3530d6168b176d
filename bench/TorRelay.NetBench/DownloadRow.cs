using TorRelay.TestNet;

namespace TorRelay.NetBench;

/// <summary>One row of the download benchmarks (middle and exit): the relay's CPU, sleeps and RSS over one download.</summary>
public static class DownloadRow
{
    public const string Columns = "| MiB | seconds | MiB/s | CPU ms | CPU ms/MiB | wake-ups/MiB | RSS MiB |";
    public const string Rule = "|---|---|---|---|---|---|---|";

    public static string Format(Socks5Download.Result result, ProcessSample before, ProcessSample after)
    {
        double mib = result.BodyBytes / 1048576.0;
        double cpuMs = (after.Cpu - before.Cpu).TotalMilliseconds;
        return $"| {mib:F0} | {result.Elapsed.TotalSeconds:F1} | {mib / result.Elapsed.TotalSeconds:F1} | {cpuMs:F0} | {cpuMs / mib:F2} | " +
               $"{after.SleepsSince(before) / mib:F0} | {after.RssBytes / 1048576.0:F1} |";
    }
}
