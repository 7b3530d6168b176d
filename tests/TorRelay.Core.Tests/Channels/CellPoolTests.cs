using TorRelay.Core.Channels;
using Xunit;

namespace TorRelay.Core.Tests.Channels;

public class CellPoolTests
{
    [Fact]
    public void A_returned_cell_buffer_is_rented_again_instead_of_a_new_one()
    {
        var pool = new CellPool(maxCells: 64);
        var first = pool.Rent(CellPool.CellLength);

        pool.Return(first);

        Assert.Equal(1, pool.Available);
        Assert.Same(first, pool.Rent(512));
        Assert.Equal(0, pool.Available);
    }

    [Fact]
    public void Every_buffer_is_one_fixed_length_cell_whatever_the_link_version_asks()
    {
        var pool = new CellPool();

        Assert.Equal(CellPool.CellLength, pool.Rent(512).Length);
        Assert.Equal(CellPool.CellLength, pool.Rent(1).Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => pool.Rent(CellPool.CellLength + 1));
    }

    [Fact]
    public void The_pool_keeps_at_most_its_bound_and_ignores_buffers_of_other_lengths()
    {
        int stripes = Environment.ProcessorCount;
        var pool = new CellPool(maxCells: 4 * stripes);
        var rented = Enumerable.Range(0, 10 * stripes).Select(_ => pool.Rent(CellPool.CellLength)).ToList();

        foreach (var cell in rented) pool.Return(cell);
        pool.Return(new byte[1024]);

        Assert.Equal(4 * stripes, pool.Available);
        var again = Enumerable.Range(0, 4 * stripes).Select(_ => pool.Rent(CellPool.CellLength)).ToList();
        Assert.All(again, cell => Assert.Contains(cell, rented));
        Assert.Equal(0, pool.Available);
    }

    [Fact]
    public void Forwarding_through_a_queue_that_fills_and_drains_allocates_no_cell_buffers_once_warm()
    {
        var pool = new CellPool();
        var queued = new Queue<byte[]>();
        void Cycle()
        {
            // A channel queue filling to its bound (2,048 cells) and draining, as a busy next hop makes it.
            for (int i = 0; i < ChannelQueueSettings.DefaultChannelQueueCells; i++) queued.Enqueue(pool.Rent(CellPool.CellLength));
            while (queued.Count > 0) pool.Return(queued.Dequeue());
        }
        Cycle();

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int round = 0; round < 10; round++) Cycle();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(allocated < CellPool.CellLength, $"{allocated} bytes allocated for 20,480 cells");
    }
}
