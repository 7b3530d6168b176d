using System.Globalization;

namespace TorRelay.Host.Systemd;

/// <summary>
/// sd_watchdog_enabled(3): $WATCHDOG_USEC set by systemd for WatchdogSec=, meant for us only when $WATCHDOG_PID is
/// unset or our PID. Like tor, we send WATCHDOG=1 at half the interval.
/// </summary>
public static class WatchdogSettings
{
    public const string IntervalVariable = "WATCHDOG_USEC";
    public const string PidVariable = "WATCHDOG_PID";

    /// <summary>The interval systemd expects keep-alives within, or null when the watchdog is off or not ours.</summary>
    public static TimeSpan? Interval(string? watchdogUsec, string? watchdogPid, int ourPid)
    {
        if (string.IsNullOrEmpty(watchdogUsec)
            || !ulong.TryParse(watchdogUsec, NumberStyles.None, CultureInfo.InvariantCulture, out ulong usec)
            || usec == 0 || usec > (ulong)TimeSpan.MaxValue.TotalMicroseconds)
            return null;
        if (!string.IsNullOrEmpty(watchdogPid)
            && (!int.TryParse(watchdogPid, NumberStyles.None, CultureInfo.InvariantCulture, out int pid) || pid != ourPid))
            return null;
        return TimeSpan.FromMicroseconds(usec);
    }

    public static TimeSpan? FromEnvironment() =>
        Interval(Environment.GetEnvironmentVariable(IntervalVariable), Environment.GetEnvironmentVariable(PidVariable),
            Environment.ProcessId);

    /// <summary>How often to send WATCHDOG=1 for an <paramref name="interval"/>: twice per interval.</summary>
    public static TimeSpan KeepAlivePeriod(TimeSpan interval) => interval / 2;
}
