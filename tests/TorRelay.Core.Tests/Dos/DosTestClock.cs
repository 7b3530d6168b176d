namespace TorRelay.Core.Tests.Dos;

/// <summary>A clock for the DoS tests: wall-clock and monotonic seconds that move only when told to.</summary>
internal sealed class DosTestClock(long unixSeconds) : TimeProvider
{
    /// <summary>2010-08-11 13:27:30 UTC, the time test_dos.c starts at.</summary>
    public const long CTorTestStart = 1281533250;

    private long _wall = unixSeconds;
    private long _monotonic = 1_000;

    public DosTestClock() : this(CTorTestStart) { }

    public override long TimestampFrequency => 1;

    public override long GetTimestamp() => Interlocked.Read(ref _monotonic);

    public override DateTimeOffset GetUtcNow() => DateTimeOffset.FromUnixTimeSeconds(Interlocked.Read(ref _wall));

    /// <summary>Moves both clocks forward, as real time does.</summary>
    public void Advance(long seconds)
    {
        Interlocked.Add(ref _wall, seconds);
        Interlocked.Add(ref _monotonic, seconds);
    }
}
