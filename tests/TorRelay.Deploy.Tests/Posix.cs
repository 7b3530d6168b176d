using System.Runtime.InteropServices;

namespace TorRelay.Deploy.Tests;

internal static partial class Posix
{
    public const int SIGHUP = 1;
    public const int SIGINT = 2;
    public const int SIGKILL = 9;
    public const int SIGTERM = 15;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int sig);

    [LibraryImport("libc", EntryPoint = "clock_gettime", SetLastError = true)]
    private static partial int ClockGetTime(int clock, out TimeSpec ts);

    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    /// <summary>clock_gettime(CLOCK_MONOTONIC), the clock systemd reads MONOTONIC_USEC against.</summary>
    public static long MonotonicMicroseconds()
    {
        const int ClockMonotonic = 1;
        if (ClockGetTime(ClockMonotonic, out var ts) != 0) throw new InvalidOperationException("clock_gettime failed");
        return ts.Seconds * 1_000_000 + ts.Nanoseconds / 1000;
    }

    public static void Signal(int pid, int signal)
    {
        if (Kill(pid, signal) != 0) throw new InvalidOperationException($"kill({pid}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
    }
}
