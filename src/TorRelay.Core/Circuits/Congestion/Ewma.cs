namespace TorRelay.Core.Circuits.Congestion;

/// <summary>The averages C tor's congestion control uses (congestion_control_common.h, lib/math/stats.h).</summary>
internal static class Ewma
{
    /// <summary>n_count_ewma: an N-count EWMA, (2·curr + (N−1)·prev)/(N+1); the first value is taken as is.</summary>
    public static ulong NCount(ulong curr, ulong prev, ulong n) => prev == 0 ? curr : (2 * curr + (n - 1) * prev) / (n + 1);

    /// <summary>percent_max_mix: pctMax percent of the larger plus the rest of the smaller.</summary>
    public static ulong PercentMaxMix(ulong a, ulong b, int pctMax)
    {
        ulong max = Math.Max(a, b), min = Math.Min(a, b);
        return (ulong)pctMax * max / 100 + (ulong)(100 - pctMax) * min / 100;
    }

    /// <summary>stats_update_running_avg: an N-EWMA over 100 samples for the MetricsPort gauges.</summary>
    public static double Running(double avg, double value) => avg < 0.0000002 ? value : (2 * value + 99 * avg) / 101;
}
