using System.Globalization;

namespace TorRelay.Host.Logging;

/// <summary>tor's log line prefix (lib/log/log.c log_prefix_): local time rounded to LogTimeGranularity.</summary>
public static class TorLogFormat
{
    /// <summary>
    /// "Nov 22 12:34:56.000": with a granularity of a second or more tor rounds the seconds down and prints .000;
    /// below a second it rounds the milliseconds down to the granularity.
    /// </summary>
    public static string Timestamp(DateTimeOffset localTime, TimeSpan granularity)
    {
        long g = Math.Max(1, (long)granularity.TotalMilliseconds);
        DateTime t = localTime.DateTime;
        int ms;
        if (g >= 1000)
        {
            long seconds = t.Ticks / TimeSpan.TicksPerSecond;
            seconds -= seconds % (g / 1000);
            t = new DateTime(seconds * TimeSpan.TicksPerSecond);
            ms = 0;
        }
        else
        {
            ms = t.Millisecond - (int)(t.Millisecond % g);
        }
        return t.ToString("MMM dd HH:mm:ss", CultureInfo.InvariantCulture) + "." +
               ms.ToString("D3", CultureInfo.InvariantCulture);
    }
}
