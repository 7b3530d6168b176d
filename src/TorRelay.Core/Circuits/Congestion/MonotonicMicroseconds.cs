using System.Diagnostics;

namespace TorRelay.Core.Circuits.Congestion;

/// <summary>The clock congestion control runs on: monotonic microseconds (C tor monotime_absolute_usec).</summary>
public static class MonotonicMicroseconds
{
    public static long Now() => FromTimestamp(Stopwatch.GetTimestamp());

    public static long FromTimestamp(long stopwatchTimestamp) =>
        (long)((Int128)stopwatchTimestamp * 1_000_000 / Stopwatch.Frequency);
}
