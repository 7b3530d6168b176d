namespace TorRelay.Core.Channels.Padding;

/// <summary>
/// The relay-wide cell counts behind extra-info's padding-counts line (C tor's padding_counts_t in rephist.c): cells
/// read and written, the PADDING ones among them, the same two on channels with padding enabled, RELAY_DROP cells,
/// and the most padding timers pending at once. Counted from every channel's cell path, hence only Interlocked adds;
/// <see cref="TakeAndReset"/> starts the next period.
/// </summary>
public sealed class PaddingCounts
{
    private long _readTotal, _readPad, _readDrop, _enabledReadTotal, _enabledReadPad;
    private long _writeTotal, _writePad, _writeDrop, _enabledWriteTotal, _enabledWritePad;
    private long _timersPending, _maxTimersPending;

    /// <summary>
    /// A cell read from a channel (channel_tls_handle_cell): C tor counts fixed-length cells only, and
    /// CELL_PADDING (not VPADDING) as a padding cell.
    /// </summary>
    /// <param name="paddingEnabled">The channel's padding_enabled at the time.</param>
    /// <param name="cells">How many such cells (a channel reports a run of equal cells at once).</param>
    public void CountRead(bool isPadding, bool paddingEnabled, long cells = 1) =>
        Count(ref _readTotal, ref _enabledReadTotal, ref _readPad, ref _enabledReadPad, isPadding, paddingEnabled, cells);

    /// <summary>
    /// A cell written to a channel (channel_flush_from_first_active_circuit, connection_or_write_cell_to_buf). A
    /// variable-length one counts in the total only (connection_or_write_var_cell_to_buf): pass false twice.
    /// </summary>
    public void CountWritten(bool isPadding, bool paddingEnabled, long cells = 1) =>
        Count(ref _writeTotal, ref _enabledWriteTotal, ref _writePad, ref _enabledWritePad, isPadding, paddingEnabled, cells);

    /// <summary>One direction's four counters: every cell in the total, padding cells in the padding count, each
    /// also in its padding-enabled twin when the channel had padding enabled.</summary>
    private static void Count(ref long total, ref long enabledTotal, ref long pad, ref long enabledPad, bool isPadding,
        bool paddingEnabled, long cells)
    {
        Interlocked.Add(ref total, cells);
        if (paddingEnabled) Interlocked.Add(ref enabledTotal, cells);
        if (!isPadding) return;
        Interlocked.Add(ref pad, cells);
        if (paddingEnabled) Interlocked.Add(ref enabledPad, cells);
    }

    /// <summary>A RELAY_DROP cell recognized at our hop (circpad_deliver_recognized_relay_cell_events).</summary>
    public void CountReadDrop() => Interlocked.Increment(ref _readDrop);

    /// <summary>A RELAY_DROP cell we sent as circuit padding.</summary>
    public void CountWriteDrop() => Interlocked.Increment(ref _writeDrop);

    /// <summary>A padding timer was scheduled (channelpadding_schedule_padding): the period's maximum may rise.</summary>
    public void TimerScheduled()
    {
        long pending = Interlocked.Increment(ref _timersPending);
        long max = Volatile.Read(ref _maxTimersPending);
        while (pending > max)
        {
            long seen = Interlocked.CompareExchange(ref _maxTimersPending, pending, max);
            if (seen == max) break;
            max = seen;
        }
    }

    /// <summary>A scheduled padding timer fired or was cancelled.</summary>
    public void TimerDone() => Interlocked.Decrement(ref _timersPending);

    /// <summary>
    /// The counts so far, zeroing them (rep_hist_reset_padding_counts). Pending timers stay pending, as C tor's
    /// total_timers_pending does; the new period's maximum starts from zero.
    /// </summary>
    public PaddingCountsSnapshot TakeAndReset() => new(
        WriteDrop: Take(ref _writeDrop),
        WritePad: Take(ref _writePad),
        WriteTotal: Take(ref _writeTotal),
        ReadDrop: Take(ref _readDrop),
        ReadPad: Take(ref _readPad),
        ReadTotal: Take(ref _readTotal),
        EnabledReadPad: Take(ref _enabledReadPad),
        EnabledReadTotal: Take(ref _enabledReadTotal),
        EnabledWritePad: Take(ref _enabledWritePad),
        EnabledWriteTotal: Take(ref _enabledWriteTotal),
        MaxChanpadTimers: Take(ref _maxTimersPending));

    private static ulong Take(ref long counter) => (ulong)Interlocked.Exchange(ref counter, 0);
}
