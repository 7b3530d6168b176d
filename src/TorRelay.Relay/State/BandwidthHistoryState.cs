using System.Globalization;
using TorRelay.Relay.Bandwidth;

namespace TorRelay.Relay.State;

/// <summary>
/// One <see cref="BandwidthArray"/> in the state file, as bwhist.c writes it (bwhist_update_bwhist_state_section)
/// and replays it (bwhist_load_bwhist_state_section).
/// </summary>
public static class BandwidthHistoryState
{
    /// <summary>
    /// Ends: when the current period ends; Interval: 86400; Values and Maxima: one per committed period, oldest first,
    /// then the current period's; totals and per-second maxima (the 10 s sum / 10) rounded down to a multiple of 1024.
    /// </summary>
    public static void Save(BandwidthArray array, StateFile state, string name)
    {
        var values = new List<ulong>(array.History()) { array.TotalInPeriod & ~0x3FFUL };
        var maxima = new List<ulong>();
        foreach (ulong m in array.Maxima()) maxima.Add(PerSecond(m));
        maxima.Add(PerSecond(array.MaxInPeriod));
        state.Set(StateKeys.Ends(name), StateKeys.FormatTime(DateTimeOffset.FromUnixTimeSeconds(array.NextPeriod)));
        state.Set(StateKeys.Interval(name), BandwidthArray.IntervalSeconds.ToString(CultureInfo.InvariantCulture));
        state.Set(StateKeys.Values(name), string.Join(',', values));
        state.Set(StateKeys.Maxima(name), string.Join(',', maxima));
    }

    /// <summary>
    /// Replays the saved periods into a new array: each value spread evenly over its interval's seconds up to
    /// <paramref name="now"/>, each period's maximum restored from Maxima (or, without matching Maxima, the average
    /// rate). Nothing is loaded (null, true) when Ends is missing or more than five days old, or the history would
    /// start in the future. False when a number does not parse.
    /// </summary>
    public static bool TryLoad(StateFile state, string name, long now, out BandwidthArray? array, out string error)
    {
        array = null;
        error = "";
        if (state.Get(StateKeys.Ends(name)) is not { } endsText || !StateKeys.TryParseTime(endsText, out var endsTime))
            return true;
        long ends = endsTime.ToUnixTimeSeconds();
        if (ends < now - (long)BandwidthArray.IntervalSeconds * BandwidthArray.NumTotals) return true;
        int interval = state.Get(StateKeys.Interval(name)) is { } i && StateKeys.TryParseInterval(i, out int parsed) ? parsed : 900;
        string[] values = SplitCsv(state.Get(StateKeys.Values(name)));
        string[] maxima = SplitCsv(state.Get(StateKeys.Maxima(name)));
        bool haveMaxima = values.Length == maxima.Length;
        long start = ends - (long)interval * values.Length;
        if (start > now) return true;
        // Not in C tor: a replay longer than the history can hold would only cost time (one step per second).
        if (ends - start > (long)BandwidthArray.IntervalSeconds * (BandwidthArray.NumTotals + 1)) return true;

        var loaded = new BandwidthArray(start);
        for (int n = 0; n < values.Length; n++)
        {
            if (!ulong.TryParse(values[n], NumberStyles.None, CultureInfo.InvariantCulture, out ulong v))
                error = $"could not parse value '{values[n]}' of BWHistory{name}Values";
            ulong max = (v / (ulong)interval) * BandwidthArray.RollingMeasureSeconds;
            if (haveMaxima)
            {
                if (!ulong.TryParse(maxima[n], NumberStyles.None, CultureInfo.InvariantCulture, out max))
                    error = $"could not parse maximum '{maxima[n]}' of BWHistory{name}Maxima";
                max = unchecked(max * BandwidthArray.RollingMeasureSeconds);
            }
            if (start >= now) continue;
            long length = start + interval > now ? now - start : interval;
            ulong perSecond = v / (ulong)length;
            for (long second = start; second < start + length; second++) loaded.Add(second, perSecond);
            loaded.MaxInPeriod = max;
            start += length;
        }
        loaded.ClearRollingWindow();
        if (error.Length > 0) return false;
        array = loaded;
        return true;
    }

    private static ulong PerSecond(ulong tenSecondSum) => (tenSecondSum / BandwidthArray.RollingMeasureSeconds) & ~0x3FFUL;

    /// <summary>CSV as config_assign splits it: on commas, spaces trimmed, blanks dropped.</summary>
    private static string[] SplitCsv(string? value) =>
        value is null ? [] : value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
}
