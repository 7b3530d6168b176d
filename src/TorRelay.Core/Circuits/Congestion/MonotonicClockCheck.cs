namespace TorRelay.Core.Circuits.Congestion;

/// <summary>
/// Proposal 324 §2.1.1 clock heuristics (C tor time_delta_stalled_or_jumped): an RTT of 0 means the monotonic clock
/// stalled; one 5000 times off the average means it jumped. The "clock is broken" verdict is cached relay-wide in C
/// tor and read by stream flow control, so share one instance across circuits. Thread-safe.
/// </summary>
public sealed class MonotonicClockCheck
{
    /// <summary>DELTA_DISCREPENCY_RATIO_MAX.</summary>
    public const ulong DiscrepancyRatioMax = 5000;

    private volatile bool _broken;

    /// <summary>is_monotime_clock_reliable().</summary>
    public bool IsReliable => !_broken;

    /// <summary>
    /// True if <paramref name="newDelta"/> should not be used. <paramref name="useHeuristics"/> is C tor's
    /// time_delta_should_use_heuristics: out of slow start and with an EWMA RTT.
    /// </summary>
    public bool StalledOrJumped(bool useHeuristics, ulong oldDelta, ulong newDelta)
    {
        if (newDelta == 0)
        {
            _broken = true;
            return true;
        }
        if (!useHeuristics) return false;
        // A sudden decrease may be a stall or just the network: trust the cached verdict.
        if (oldDelta > newDelta * DiscrepancyRatioMax) return _broken;
        // A sudden increase may be a jump or a suspended peer: skip it, but don't cache.
        if (newDelta > oldDelta * DiscrepancyRatioMax) return true;
        _broken = false;
        return false;
    }
}
