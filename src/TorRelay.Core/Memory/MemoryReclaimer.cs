using Microsoft.Extensions.Logging;

namespace TorRelay.Core.Memory;

/// <summary>
/// Gives memory back to the OS once load has dropped. Neither heap does it by itself: the GC runs only when something
/// allocates, so an idle relay keeps its closed channels' objects, and glibc keeps the free memory inside its arenas.
/// After a burst of 4,000 client links closed, our relay stayed at 146 MiB (26 MiB before the links came), 75 MiB of it
/// free malloc memory. Told the load every second and checked once a minute: when the open channels or circuits fall
/// to half of their peak since the last reclaim, by at least <see cref="ChannelDrop"/> or <see cref="CircuitDrop"/>,
/// a compacting full collection that decommits what it can, then <c>malloc_trim</c>; and whenever malloc's free
/// memory grew by <see cref="FreeNativeGrowth"/> since the last trim (trimmed memory still counts as free),
/// <c>malloc_trim</c> alone.
/// </summary>
public sealed partial class MemoryReclaimer(INativeHeap native, ILogger log)
{
    /// <summary>How often the relay's heartbeat calls <see cref="Check"/>.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    /// <summary>Channels closed since the peak before a full reclaim (each held about 30 KiB).</summary>
    public const int ChannelDrop = 500;

    /// <summary>Circuits closed since the peak before a full reclaim (each held about 2 KiB).</summary>
    public const long CircuitDrop = 10_000;

    /// <summary>Growth of free malloc memory since the last trim above which it is trimmed whatever the load did.</summary>
    public const long FreeNativeGrowth = 64L << 20;

    private int _peakChannels;
    private long _peakCircuits;
    private long _freeAfterTrim;

    /// <summary>Reclaims were done so far (full ones and trims alone).</summary>
    public int Reclaims { get; private set; }

    /// <summary>Notes the load (every second: a burst between two checks must still set the peak).</summary>
    public void Observe(int channels, long circuits)
    {
        _peakChannels = Math.Max(_peakChannels, channels);
        _peakCircuits = Math.Max(_peakCircuits, circuits);
    }

    /// <summary>Notes the load and reclaims when it dropped enough or malloc's free memory grew enough.</summary>
    public void Check(int channels, long circuits)
    {
        Observe(channels, circuits);
        bool dropped = Dropped(_peakChannels, channels, ChannelDrop) || Dropped(_peakCircuits, circuits, CircuitDrop);
        if (dropped)
        {
            long before = Environment.WorkingSet, started = System.Diagnostics.Stopwatch.GetTimestamp();
            // Blocking: every thread waits for it (the pause is logged); it runs after load fell by half, rarely.
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            Trim();
            Reclaims++;
            LogReclaimed(log, _peakChannels, channels, _peakCircuits, circuits, before >> 20, Environment.WorkingSet >> 20,
                (long)System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            _peakChannels = channels;
            _peakCircuits = circuits;
        }
        else if (native.FreeBytes() is { } free)
        {
            _freeAfterTrim = Math.Min(_freeAfterTrim, free);
            if (free - _freeAfterTrim >= FreeNativeGrowth && Trim()) Reclaims++;
        }
    }

    private bool Trim()
    {
        bool trimmed = native.Trim();
        _freeAfterTrim = native.FreeBytes() ?? 0;
        return trimmed;
    }

    private static bool Dropped(long peak, long now, long by) => peak - now >= by && now <= peak / 2;

    [LoggerMessage(Level = LogLevel.Information, Message = "Load dropped (channels {PeakChannels} -> {Channels}, " +
        "circuits {PeakCircuits} -> {Circuits}): memory given back to the OS, RSS {Before} -> {After} MiB in {Ms} ms")]
    private static partial void LogReclaimed(ILogger log, int peakChannels, int channels, long peakCircuits, long circuits,
        long before, long after, long ms);
}
