namespace TorRelay.Relay.Bandwidth;

/// <summary>
/// One direction's traffic history as C tor keeps it (bw_array_t in src/feature/stats/bwhist.c): per-second byte
/// counts over a rolling 10 s window, and per-day totals and 10-second maxima for the last five days. Time advances
/// only when bytes are noted, so a period is committed by the first observation after it ends. Not thread-safe.
/// </summary>
public sealed class BandwidthArray
{
    /// <summary>NUM_SECS_ROLLING_MEASURE.</summary>
    public const int RollingMeasureSeconds = 10;

    /// <summary>NUM_SECS_BW_SUM_INTERVAL: the length of one reported period.</summary>
    public const int IntervalSeconds = 24 * 60 * 60;

    /// <summary>NUM_TOTALS: NUM_SECS_BW_SUM_IS_VALID (5 days) / NUM_SECS_BW_SUM_INTERVAL.</summary>
    public const int NumTotals = 5 * 24 * 60 * 60 / IntervalSeconds;

    private readonly ulong[] _obs = new ulong[RollingMeasureSeconds];
    private readonly ulong[] _maxima = new ulong[NumTotals];
    private readonly ulong[] _totals = new ulong[NumTotals];
    private int _curObsIndex;
    private ulong _totalObs; // the rolling window without _obs[_curObsIndex]
    private int _nextMaxIndex;

    /// <summary>bw_array_new: observation starts at <paramref name="startUnixSeconds"/>.</summary>
    public BandwidthArray(long startUnixSeconds)
    {
        CurrentObservationTime = startUnixSeconds;
        NextPeriod = startUnixSeconds + IntervalSeconds;
    }

    /// <summary>The second (Unix time) observations are being added to.</summary>
    public long CurrentObservationTime { get; private set; }

    /// <summary>When the current period ends (Unix time).</summary>
    public long NextPeriod { get; private set; }

    /// <summary>How many periods have been committed (at most <see cref="NumTotals"/>).</summary>
    public int PeriodsCommitted { get; private set; }

    /// <summary>Bytes noted in the current period so far.</summary>
    public ulong TotalInPeriod { get; private set; }

    /// <summary>The largest 10-second sum seen in the current period (set when a state file is replayed).</summary>
    public ulong MaxInPeriod { get; internal set; }

    /// <summary>add_obs: adds <paramref name="bytes"/> to second <paramref name="when"/>; earlier seconds are ignored.</summary>
    public void Add(long when, ulong bytes)
    {
        if (when < CurrentObservationTime) return;
        while (when > CurrentObservationTime) AdvanceObservation();
        _obs[_curObsIndex] += bytes;
        TotalInPeriod += bytes;
    }

    /// <summary>Empties the rolling 10 s window, as bwhist_load_bwhist_state_section does after replaying a state file.</summary>
    internal void ClearRollingWindow()
    {
        Array.Clear(_obs);
        _totalObs = 0;
    }

    /// <summary>advance_obs: moves to the next second, keeping the rolling 10 s sum and this period's maximum.</summary>
    private void AdvanceObservation()
    {
        ulong total = _totalObs + _obs[_curObsIndex];
        if (total > MaxInPeriod) MaxInPeriod = total;
        int next = (_curObsIndex + 1) % RollingMeasureSeconds;
        _totalObs = total - _obs[next];
        _obs[next] = 0;
        _curObsIndex = next;
        if (++CurrentObservationTime >= NextPeriod) CommitPeriod();
    }

    /// <summary>commit_max: stores this period's total and maximum and starts the next period.</summary>
    private void CommitPeriod()
    {
        _totals[_nextMaxIndex] = TotalInPeriod;
        _maxima[_nextMaxIndex] = MaxInPeriod;
        _nextMaxIndex = (_nextMaxIndex + 1) % NumTotals;
        NextPeriod += IntervalSeconds;
        if (PeriodsCommitted < NumTotals) PeriodsCommitted++;
        MaxInPeriod = 0;
        TotalInPeriod = 0;
    }

    /// <summary>
    /// bwhist_fill_bandwidth_history: the committed period totals, oldest first, each rounded down to a multiple of
    /// 1024 and then capped at <paramref name="cutoff"/>; empty before the first period ends.
    /// </summary>
    public ulong[] History(ulong cutoff = ulong.MaxValue) => Committed(_totals, t => Math.Min(t & ~0x3FFUL, cutoff));

    /// <summary>
    /// find_largest_max: the largest 10-second sum of the committed periods, and of the current period once it has been
    /// observed for more than <paramref name="minObservationSeconds"/> (TestingMinTimeToReportBandwidth).
    /// </summary>
    public ulong LargestMax(long minObservationSeconds)
    {
        long periodStart = NextPeriod - IntervalSeconds;
        ulong max = CurrentObservationTime > periodStart + minObservationSeconds ? MaxInPeriod : 0;
        foreach (ulong m in _maxima) max = Math.Max(max, m);
        return max;
    }

    /// <summary>The committed periods' largest 10-second sums, oldest first (C tor's state file keeps them per second).</summary>
    public ulong[] Maxima() => Committed(_maxima, m => m);

    private ulong[] Committed(ulong[] ring, Func<ulong, ulong> map)
    {
        var values = new ulong[PeriodsCommitted];
        // Until the ring has wrapped, the oldest period is at index 0.
        int i = PeriodsCommitted <= _nextMaxIndex ? 0 : _nextMaxIndex;
        for (int n = 0; n < values.Length; n++, i = (i + 1) % NumTotals)
            values[n] = map(ring[i]);
        return values;
    }
}
