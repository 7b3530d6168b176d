using System.Globalization;
using TorRelay.Core.Channels.Padding;
using TorRelay.Directory.Netdoc;

namespace TorRelay.Relay.Stats;

/// <summary>
/// Extra-info's padding-counts line (dir-spec §2.1.2; C tor's rephist.c). Every 24 hours the counts of the period
/// just ended are rounded up to multiples of 10,000, kept for the next descriptors, and the counting starts over
/// (reset_padding_counts_callback). As C tor's periodic event first runs at startup, the first line comes a day
/// after we start; a period with no cell read or none written publishes nothing.
/// </summary>
public sealed class PaddingCountsReport
{
    /// <summary>REPHIST_CELL_PADDING_COUNTS_INTERVAL, in seconds.</summary>
    public const int IntervalSeconds = 24 * 60 * 60;

    /// <summary>ROUND_CELL_COUNTS_TO: the published bin size.</summary>
    public const ulong RoundTo = 10_000;

    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(IntervalSeconds);

    private readonly PaddingCounts _counts;
    private readonly object _gate = new();
    private DateTimeOffset _next;
    private volatile string? _line;

    /// <param name="started">When counting began (our startup, where C tor's periodic event first runs).</param>
    public PaddingCountsReport(PaddingCounts counts, DateTimeOffset started)
    {
        _counts = counts;
        _next = started + Interval;
    }

    /// <summary>
    /// Called from the heartbeat: once a period is over, publishes it (with PaddingStatistics; otherwise the last one
    /// is withdrawn) and starts the next one, 24 hours from <paramref name="now"/>.
    /// </summary>
    public void Tick(DateTimeOffset now, bool paddingStatistics)
    {
        lock (_gate)
        {
            if (now < _next) return;
            _next = now + Interval;
            var counts = _counts.TakeAndReset();
            _line = paddingStatistics ? Format(counts, now) : null;
        }
    }

    /// <summary>The lines for our extra-info: the last period's, only with PaddingStatistics.</summary>
    public IReadOnlyList<string> GetLines(bool paddingStatistics) =>
        paddingStatistics && _line is { } line ? [line] : [];

    /// <summary>
    /// rep_hist_prep_published_padding_counts and rep_hist_get_padding_count_lines: null unless cells were both read
    /// and written; every count but max-chanpad-timers rounded up to a multiple of <see cref="RoundTo"/>.
    /// </summary>
    public static string? Format(PaddingCountsSnapshot c, DateTimeOffset end)
    {
        if (c.ReadTotal == 0 || c.WriteTotal == 0) return null;
        return string.Create(CultureInfo.InvariantCulture,
            $"padding-counts {NetdocFormat.FormatTime(end)} ({IntervalSeconds} s) bin-size={RoundTo}" +
            $" write-drop={Round(c.WriteDrop)} write-pad={Round(c.WritePad)} write-total={Round(c.WriteTotal)}" +
            $" read-drop={Round(c.ReadDrop)} read-pad={Round(c.ReadPad)} read-total={Round(c.ReadTotal)}" +
            $" enabled-read-pad={Round(c.EnabledReadPad)} enabled-read-total={Round(c.EnabledReadTotal)}" +
            $" enabled-write-pad={Round(c.EnabledWritePad)} enabled-write-total={Round(c.EnabledWriteTotal)}" +
            $" max-chanpad-timers={c.MaxChanpadTimers}");
    }

    /// <summary>round_uint64_to_next_multiple_of: up to the next multiple (0 stays 0), saturating near the top as C tor's.</summary>
    public static ulong Round(ulong count)
    {
        if (count > ulong.MaxValue - RoundTo + 1) return ulong.MaxValue;
        count += RoundTo - 1;
        return count - count % RoundTo;
    }
}
