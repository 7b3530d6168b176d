using Microsoft.Extensions.Logging.Abstractions;
using TorRelay.Cells;
using TorRelay.Core.Channels;
using TorRelay.Core.Circuits;
using TorRelay.Core.Metrics;
using TorRelay.Core.Tests.Channels;
using TorRelay.Core.Tests.Metrics;
using TorRelay.Crypto.Relay;

namespace TorRelay.Core.Tests.Circuits;

/// <summary>
/// C tor's circuits_handle_oom: at MaxMemInQueues, circuits are killed oldest queued cell first, their cells freed,
/// until the queues hold at most 90% of the limit.
/// </summary>
public sealed class OomKillerTests : IDisposable
{
    private const int CellBytes = 514;

    private readonly ManualClock _clock = new();
    private readonly CountingPool _pool = new();
    private readonly TestMeterFactory _factory = new();
    private readonly CoreMetrics _metrics;
    private readonly MetricsCollector _collector;
    private readonly List<RelayCircuit> _killed = [];
    private readonly TaskCompletionSource<long> _recovered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Channel _channel;

    public OomKillerTests()
    {
        _metrics = new CoreMetrics(_factory);
        _collector = new MetricsCollector(_factory.Prefix + CoreMetrics.MeterName);
        _channel = FakeLinkTransport.OpenChannel(new FakeLinkTransport(), _clock);
    }

    public void Dispose()
    {
        _collector.Dispose();
        _metrics.Dispose();
        _factory.Dispose();
    }

    private (QueueMemoryBudget Budget, OomKiller Killer, CircuitMux One, CircuitMux Two) Start(int maxCells)
    {
        var budget = new QueueMemoryBudget(maxCells * CellBytes);
        var killer = new OomKiller(budget, c =>
        {
            lock (_killed) _killed.Add(c);
            return ValueTask.CompletedTask;
        }, NullLogger.Instance, _metrics);
        killer.Recovered += freed => _recovered.TrySetResult(freed);
        var settings = new ChannelQueueSettings(new EwmaPolicy(_clock), budget);
        return (budget, killer, new CircuitMux(settings, _pool), new CircuitMux(settings, _pool));
    }

    private RelayCircuit Circuit(uint id) => new(_channel, new CircId(id), new RelayCryptoLayer(new byte[RelayCryptoLayer.KeyMaterialLength]));

    /// <summary>Queues cells one second after the previous call, so each call's cells are younger than the last.</summary>
    private void Queue(CircuitMux mux, RelayCircuit circuit, int cells)
    {
        _clock.Advance(TimeSpan.FromSeconds(1));
        for (int i = 0; i < cells; i++) _ = mux.EnqueueAsync(_pool.Cell(0), circuit, CancellationToken.None);
    }

    private Task<long> RecoveredAsync() => _recovered.Task.WaitAsync(TimeSpan.FromSeconds(30));

    private long OomBytesMetric() =>
        (long)_collector.Observe()[MetricsCollector.Key("tor_relay_load_oom_bytes_total", ("subsys", "cell"))];

    [Fact]
    public async Task Reaching_the_limit_kills_the_circuit_with_the_oldest_queued_cell_and_frees_its_cells()
    {
        var (budget, killer, one, two) = Start(maxCells: 9);
        RelayCircuit a = Circuit(1), b = Circuit(2), c = Circuit(3);
        Queue(one, a, 3);
        Queue(one, b, 3);
        Queue(two, c, 3); // the ninth cell reaches the limit; 10% of it is less than A's three cells

        long freed = await RecoveredAsync();

        Assert.Equal([a], _killed);
        Assert.Equal(3 * CellBytes, freed);
        Assert.Equal(3, _pool.Returned);
        Assert.Equal(6 * CellBytes, budget.Allocated);
        Assert.Equal(3, one.Count);
        Assert.Equal(3 * CellBytes, killer.BytesFreed);
        Assert.Equal(3 * CellBytes, OomBytesMetric());
    }

    [Fact]
    public async Task The_oldest_cell_on_any_channel_decides_which_circuit_goes_first()
    {
        var (_, _, one, two) = Start(maxCells: 9);
        RelayCircuit a = Circuit(1), b = Circuit(2), c = Circuit(3);
        Queue(two, b, 1);
        Queue(one, a, 3);
        Queue(one, b, 2);
        Queue(two, c, 3);

        long freed = await RecoveredAsync();

        Assert.Equal([b], _killed);
        Assert.Equal(3 * CellBytes, freed); // B's cells on both channels
        Assert.Equal(3, one.Count);
        Assert.Equal(3, two.Count);
    }

    [Fact]
    public async Task Circuits_are_killed_until_the_queues_are_under_90_percent_of_the_limit()
    {
        var (budget, _, one, two) = Start(maxCells: 20);
        RelayCircuit x = Circuit(1), y = Circuit(2), z = Circuit(3);
        Queue(one, x, 1);
        Queue(two, y, 2);
        Queue(one, z, 17); // 2 cells over 90%: X's one cell is not enough, Y's two more are

        long freed = await RecoveredAsync();

        Assert.Equal([x, y], _killed);
        Assert.Equal(3 * CellBytes, freed);
        Assert.Equal(17 * CellBytes, budget.Allocated);
        Assert.True(budget.Allocated <= budget.MaxMemInQueues * OomKiller.FractionToRetain);
    }

    [Fact]
    public async Task Below_the_limit_nothing_is_killed()
    {
        var (budget, killer, one, _) = Start(maxCells: 10);
        Queue(one, Circuit(1), 9);

        await killer.HandleOomAsync();

        Assert.Empty(_killed);
        Assert.Equal(9 * CellBytes, budget.Allocated);
        Assert.Equal(0, OomBytesMetric());
    }
}
