using TorRelay.Core.Channels;

namespace TorRelay.Core.Tests.Channels;

/// <summary>The per-channel circuit queues: EWMA order, backpressure per circuit and per channel, and buffer ownership.</summary>
public sealed class CircuitMuxTests
{
    private readonly ManualClock _clock = new();
    private readonly CountingPool _pool = new();
    private readonly object _a = new();
    private readonly object _b = new();

    private CircuitMux NewMux(int circuitCells = 1000, int channelCells = 2048, QueueMemoryBudget? budget = null) =>
        new(new ChannelQueueSettings(new EwmaPolicy(_clock), budget, circuitCells, channelCells), _pool);

    private byte[] Drain(CircuitMux mux, int max = 64)
    {
        var batch = new byte[max][];
        int n = mux.DequeueBatch(batch);
        var tags = new byte[n];
        for (int i = 0; i < n; i++)
        {
            tags[i] = batch[i][0];
            _pool.Return(batch[i]);
        }
        return tags;
    }

    private void Send(CircuitMux mux, object? circuit, byte tag, int count)
    {
        for (int i = 0; i < count; i++) Assert.True(mux.EnqueueAsync(_pool.Cell(tag), circuit, CancellationToken.None).IsCompleted);
    }

    [Fact]
    public void Channel_cells_without_a_circuit_go_before_circuit_cells()
    {
        var mux = NewMux();
        Send(mux, _a, 1, 2);
        Send(mux, null, 9, 1);

        Assert.Equal(new byte[] { 9, 1, 1 }, Drain(mux));
    }

    [Fact]
    public void The_circuit_that_sent_less_lately_goes_first()
    {
        var mux = NewMux();
        Send(mux, _a, 1, 10);
        Drain(mux);

        Send(mux, _a, 1, 3);
        Send(mux, _b, 2, 3);

        Assert.Equal(new byte[] { 2, 2, 2, 1, 1, 1 }, Drain(mux));
    }

    [Theory]
    [InlineData(0, 2)]   // A's 8 cells outweigh B's 3: B first
    [InlineData(60, 1)]  // two halflives later A's 8 count as 2: A first
    public void Cells_sent_count_less_as_they_age_with_the_halflife(int secondsLater, byte first)
    {
        var mux = NewMux();
        Send(mux, _a, 1, 8);
        Drain(mux);
        _clock.Advance(TimeSpan.FromSeconds(secondsLater));
        Send(mux, _b, 2, 3);
        Drain(mux);

        Send(mux, _b, 2, 1);
        Send(mux, _a, 1, 1);

        Assert.Equal(first, Drain(mux)[0]);
    }

    [Fact]
    public async Task A_full_circuit_queue_makes_its_sender_wait_but_not_another_circuits_sender()
    {
        var mux = NewMux(circuitCells: 4);
        Send(mux, _a, 1, 3);
        Drain(mux);
        Send(mux, _a, 1, 3);

        var blocked = mux.EnqueueAsync(_pool.Cell(1), _a, CancellationToken.None);
        var other = mux.EnqueueAsync(_pool.Cell(2), _b, CancellationToken.None);

        Assert.False(blocked.IsCompleted);
        Assert.True(other.IsCompleted);
        Assert.Equal(2, Drain(mux, max: 1)[0]); // the quiet circuit's cell goes ahead of the backlog
        Assert.False(blocked.IsCompleted);
        Drain(mux, max: 1);
        await blocked.AsTask().WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task A_full_channel_makes_every_sender_wait_until_cells_are_sent()
    {
        var mux = NewMux(channelCells: 3);
        Send(mux, _a, 1, 2);

        var a = mux.EnqueueAsync(_pool.Cell(1), _a, CancellationToken.None);
        var b = mux.EnqueueAsync(_pool.Cell(2), _b, CancellationToken.None);

        Assert.False(a.IsCompleted);
        Assert.False(b.IsCompleted);
        Assert.Equal(4, mux.Count); // the cells themselves are queued: only the senders wait
        Drain(mux, max: 2);
        await Task.WhenAll(a.AsTask(), b.AsTask()).WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task A_cancelled_sender_stops_waiting_and_its_cell_stays_queued()
    {
        var mux = NewMux(circuitCells: 1);
        using var cts = new CancellationTokenSource();
        var blocked = mux.EnqueueAsync(_pool.Cell(1), _a, cts.Token);
        Assert.False(blocked.IsCompleted);

        cts.Cancel();

        await blocked.AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(1, mux.Count);
    }

    [Fact]
    public async Task Detaching_a_circuit_returns_its_cells_to_the_pool_and_releases_its_sender()
    {
        var budget = new QueueMemoryBudget(1 << 20);
        var mux = NewMux(circuitCells: 3, budget: budget);
        Send(mux, _a, 1, 2);
        var blocked = mux.EnqueueAsync(_pool.Cell(1), _a, CancellationToken.None);
        Send(mux, _b, 2, 1);

        long freed = mux.DetachCircuit(_a);

        Assert.Equal(3 * 514, freed);
        Assert.Equal(3, _pool.Returned);
        Assert.Equal(514, budget.Allocated);
        await blocked.AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(new byte[] { 2 }, Drain(mux));
        Assert.Equal(0, mux.DetachCircuit(_a));
    }

    [Fact]
    public async Task Closing_returns_every_queued_cell_and_releases_senders_and_the_reader()
    {
        var budget = new QueueMemoryBudget(1 << 20);
        var mux = NewMux(circuitCells: 5, budget: budget);
        Send(mux, _a, 1, 4);
        Send(mux, _b, 2, 3);
        Send(mux, null, 9, 2);
        var blocked = mux.EnqueueAsync(_pool.Cell(1), _a, CancellationToken.None);
        Drain(mux, max: 2);

        mux.Close();

        Assert.Equal(0, _pool.Outstanding);
        Assert.Equal(0, budget.Allocated);
        Assert.Equal(0, mux.Count);
        await blocked.AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, mux.DequeueBatch(new byte[4][]));
        Assert.True(mux.EnqueueAsync(_pool.Cell(3), _b, CancellationToken.None).IsCompleted);
        Assert.Equal(0, _pool.Outstanding);
        Assert.Empty(budget.Muxes());
    }

    [Fact]
    public void The_memory_budget_counts_the_bytes_queued_on_every_mux()
    {
        var budget = new QueueMemoryBudget(1 << 20);
        var one = NewMux(budget: budget);
        var two = NewMux(budget: budget);
        Send(one, _a, 1, 2);
        Send(two, _b, 2, 3);

        Assert.Equal(5 * 514, budget.Allocated);
        Assert.Equal(2, budget.Muxes().Count);
        Drain(two);
        Assert.Equal(2 * 514, budget.Allocated);
    }

    [Fact]
    public void Queueing_and_sending_a_cell_allocate_nothing()
    {
        var mux = new CircuitMux(new ChannelQueueSettings(new EwmaPolicy(_clock)), _pool);
        var circuits = new[] { new object(), new object(), new object() };
        var cells = new byte[3][];
        for (int i = 0; i < cells.Length; i++) cells[i] = new byte[514];
        var batch = new byte[31][];
        void Round()
        {
            for (int i = 0; i < 3; i++) _ = mux.EnqueueAsync(cells[i], circuits[i], CancellationToken.None);
            mux.DequeueBatch(batch);
            _clock.Advance(TimeSpan.FromMilliseconds(7));
        }
        for (int i = 0; i < 100; i++) Round(); // grows the rings and the heap, JIT

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++) Round();

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
