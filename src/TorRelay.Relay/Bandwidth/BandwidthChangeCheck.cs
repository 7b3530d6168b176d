namespace TorRelay.Relay.Bandwidth;

/// <summary>
/// check_descriptor_bandwidth_changed (C tor's router.c): in the first day of uptime, rebuild the descriptor when the
/// observed bandwidth moved by more than <see cref="ChangeFactor"/> or to or from 0, at most every
/// <see cref="MaxChangeFrequency"/> unless in a testing network or while the published value is 0. After a day the
/// regular republish is enough. Not thread-safe.
/// </summary>
public sealed class BandwidthChangeCheck(bool testingTorNetwork)
{
    /// <summary>CHECK_DESCRIPTOR_INTERVAL: how often C tor runs the check.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    /// <summary>MAX_BANDWIDTH_CHANGE_FREQ.</summary>
    public static readonly TimeSpan MaxChangeFrequency = TimeSpan.FromHours(3);

    /// <summary>MAX_UPTIME_BANDWIDTH_CHANGE.</summary>
    public static readonly TimeSpan MaxUptime = TimeSpan.FromDays(1);

    /// <summary>BANDWIDTH_CHANGE_FACTOR.</summary>
    public const long ChangeFactor = 2;

    private DateTimeOffset? _lastChanged;

    /// <summary>
    /// Whether to rebuild now, given our <paramref name="uptime"/>, the observed bandwidth in the descriptor we last
    /// built and the <paramref name="current"/> assessment; a rebuild restarts the rate limit.
    /// </summary>
    public bool ShouldRebuild(DateTimeOffset now, TimeSpan uptime, long published, long current)
    {
        if (uptime > MaxUptime) return false;
        bool large = (published != current && (published == 0 || current == 0)) ||
                     current > published * ChangeFactor || current < published / ChangeFactor;
        if (!large) return false;
        bool due = _lastChanged is not { } last || last + MaxChangeFrequency < now;
        if (!due && !testingTorNetwork && published != 0) return false;
        _lastChanged = now;
        return true;
    }
}
