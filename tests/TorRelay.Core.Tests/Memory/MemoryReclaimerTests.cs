using Microsoft.Extensions.Logging.Abstractions;
using TorRelay.Core.Memory;

namespace TorRelay.Core.Tests.Memory;

public sealed class MemoryReclaimerTests
{
    private sealed class FakeHeap : INativeHeap
    {
        public long Free { get; set; }
        public int Trims { get; private set; }
        public long? FreeBytes() => Free;
        public bool Trim() { Trims++; return true; }
    }

    private static (MemoryReclaimer, FakeHeap) NewReclaimer()
    {
        var heap = new FakeHeap();
        return (new MemoryReclaimer(heap, NullLogger.Instance), heap);
    }

    [Fact]
    public void ChannelsFallingToHalfTheirPeak_ReclaimOnce()
    {
        var (reclaimer, heap) = NewReclaimer();
        reclaimer.Check(channels: 1000, circuits: 0);
        reclaimer.Check(channels: 900, circuits: 0);
        Assert.Equal(0, heap.Trims);
        reclaimer.Check(channels: 400, circuits: 0);
        Assert.Equal(1, heap.Trims);
        Assert.Equal(1, reclaimer.Reclaims);
        // The peak starts again from the load at the reclaim: staying low does not reclaim again.
        reclaimer.Check(channels: 10, circuits: 0);
        Assert.Equal(1, heap.Trims);
    }

    [Fact]
    public void BurstSeenOnlyBetweenChecks_SetsThePeak()
    {
        var (reclaimer, heap) = NewReclaimer();
        reclaimer.Check(channels: 60, circuits: 100);
        reclaimer.Observe(channels: 60, circuits: 1_100_000); // a 30-second flood between two checks
        reclaimer.Observe(channels: 10, circuits: 50);
        Assert.Equal(0, heap.Trims);
        reclaimer.Check(channels: 10, circuits: 50);
        Assert.Equal(1, heap.Trims);
    }

    [Fact]
    public void SmallDrops_DoNotReclaim()
    {
        var (reclaimer, heap) = NewReclaimer();
        reclaimer.Check(channels: 400, circuits: 8_000);
        reclaimer.Check(channels: 0, circuits: 0); // all gone, but fewer than 500 channels and 10,000 circuits
        Assert.Equal(0, heap.Trims);
    }

    [Fact]
    public void LargeDropThatLeavesMoreThanHalf_DoesNotReclaim()
    {
        var (reclaimer, heap) = NewReclaimer();
        reclaimer.Check(channels: 5_000, circuits: 0);
        reclaimer.Check(channels: 3_000, circuits: 0);
        Assert.Equal(0, heap.Trims);
    }

    [Fact]
    public void CircuitsFallingToHalfTheirPeak_Reclaim()
    {
        var (reclaimer, heap) = NewReclaimer();
        reclaimer.Check(channels: 50, circuits: 1_200_000);
        reclaimer.Check(channels: 50, circuits: 3_000);
        Assert.Equal(1, heap.Trims);
    }

    [Fact]
    public void FreeMallocMemoryGrowing_IsTrimmedOnceForEachGrowth()
    {
        var (reclaimer, heap) = NewReclaimer();
        heap.Free = 10L << 20;
        reclaimer.Check(10, 10);
        Assert.Equal(0, heap.Trims);
        heap.Free = 80L << 20;
        reclaimer.Check(10, 10);
        Assert.Equal(1, heap.Trims);
        // Trimmed memory still counts as free: no trim again until it grows by the limit once more.
        reclaimer.Check(10, 10);
        heap.Free = 100L << 20;
        reclaimer.Check(10, 10);
        Assert.Equal(1, heap.Trims);
        heap.Free = 150L << 20;
        reclaimer.Check(10, 10);
        Assert.Equal(2, heap.Trims);
    }
}
