using System.Buffers;
using System.Buffers.Binary;
using TorRelay.Cells;
using TorRelay.Core.Channels;

namespace TorRelay.Core.Tests.Channels;

/// <summary>
/// Cells a read loop queues on other channels while it handles one batch leave in one write per channel, at the end
/// of the batch; a handler that has to wait flushes what was queued before it waits.
/// </summary>
public sealed class FlushScopeTests
{
    private readonly ManualClock _clock = new();

    /// <summary>Forwards every RELAY cell it is given to <see cref="Next"/>; waits on <see cref="Gate"/> at circuit 99.</summary>
    internal sealed class Forwarder : IChannelCellHandler
    {
        public Channel? Next { get; set; }
        public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>When set, every cell waits to be let go by its thread (the handler then goes on on that thread).</summary>
        public Completer? Completer { get; init; }

        public async ValueTask<string?> HandleCellAsync(Channel channel, CellHeader header, ReadOnlySequence<byte> payload, CancellationToken ct)
        {
            if (header.CircId.Value == 99) await Gate.Task.WaitAsync(ct);
            if (Completer is not null) await Completer.WaitAsync();
            var cell = Next!.RentCell(header.CircId, CellCommand.Relay, out var body);
            payload.CopyTo(body);
            await Next.EnqueueAsync(cell, this, ct);
            return null;
        }

        public ValueTask OnChannelClosedAsync(Channel channel) => ValueTask.CompletedTask;
    }

    /// <summary>
    /// A thread that spins, letting each waiting handler go at once with its continuation inline, so a read loop's await
    /// and the handler's end race as closely as two cores allow; it counts the times it found a scope current on itself
    /// while idle (one that a read loop left behind).
    /// </summary>
    internal sealed class Completer : IDisposable
    {
        private readonly Thread _thread;
        private volatile bool _stop;
        private TaskCompletionSource? _waiting;

        public Completer()
        {
            _thread = new Thread(Run) { IsBackground = true, Name = "completer" };
            _thread.Start();
        }

        public int StaleScopesSeen { get; private set; }

        public Task WaitAsync()
        {
            var waiter = new TaskCompletionSource(); // continuations run inline, on the completer's thread
            Volatile.Write(ref _waiting, waiter);
            return waiter.Task;
        }

        private void Run()
        {
            while (!_stop)
            {
                if (Interlocked.Exchange(ref _waiting, null) is { } waiter) waiter.SetResult();
                else if (FlushScope.Current is not null) StaleScopesSeen++;
                else Thread.SpinWait(20);
            }
        }

        public void Dispose()
        {
            _stop = true;
            _thread.Join();
        }
    }

    private static Channel Open(FakeLinkTransport link, TimeProvider time, IChannelCellHandler? handler = null) =>
        new(link, new LinkHandshakeResult(5, null, true, new TorRelay.Cells.Link.NetinfoCell(0, null, []), null, null),
            Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, time, handler);

    private static async Task WriteRelayCellsAsync(FakeLinkTransport link, params uint[] circIds)
    {
        foreach (uint id in circIds)
        {
            var span = link.ToChannel.GetSpan(514);
            span[..514].Clear();
            BinaryPrimitives.WriteUInt32BigEndian(span, id);
            span[4] = (byte)CellCommand.Relay;
            link.ToChannel.Advance(514);
        }
        await link.ToChannel.FlushAsync();
    }

    /// <summary>A reading channel whose handler forwards to a second, running channel.</summary>
    private sealed class Pair : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task[] _runs;

        public Pair(TimeProvider time, Forwarder? forwarder = null)
        {
            Forwarder = forwarder ?? new Forwarder();
            Forwarder.Next = Open(Outbound, time);
            _runs = [Forwarder.Next.RunAsync(_stop.Token), Open(Inbound, time, Forwarder).RunAsync(_stop.Token)];
        }

        public FakeLinkTransport Inbound { get; } = new();
        public FakeLinkTransport Outbound { get; } = new();
        public Forwarder Forwarder { get; }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await Task.WhenAll(_runs).WaitAsync(TimeSpan.FromSeconds(30));
            _stop.Dispose();
        }
    }

    [Fact]
    public async Task Cells_forwarded_from_one_read_batch_reach_the_next_channel_in_one_flush()
    {
        await using var pair = new Pair(_clock);

        var ids = Enumerable.Range(1, 20).Select(i => (uint)i).ToArray();
        await WriteRelayCellsAsync(pair.Inbound, ids);

        Assert.Equal(ids, await pair.Outbound.ReadCircIdsAsync(20));
        Assert.Equal(1, pair.Outbound.Flushes);
    }

    [Fact]
    public async Task Inside_a_scope_queued_cells_wait_for_its_end_and_then_leave_in_one_flush()
    {
        var link = new FakeLinkTransport();
        var channel = Open(link, _clock);
        using var stop = new CancellationTokenSource();
        var run = channel.RunAsync(stop.Token);
        var scope = new FlushScope();

        scope.Enter();
        try
        {
            // All on this thread (the scope is per thread): the sends complete at once, the wait blocks.
            for (uint id = 1; id <= 3; id++)
                Assert.True(channel.EnqueueAsync(channel.RentCell(new CircId(id), CellCommand.Relay, out _), this, CancellationToken.None).IsCompletedSuccessfully);
            // Without the scope a writer would start on the pool at the first cell; within it nothing is written.
            Thread.Sleep(200);
            Assert.Equal(0, link.Flushes);
        }
        finally
        {
            scope.Exit();
        }

        Assert.Equal(new uint[] { 1, 2, 3 }, await link.ReadCircIdsAsync(3));
        Assert.Equal(1, link.Flushes);
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task A_handler_that_waits_first_flushes_the_cells_queued_before_it()
    {
        await using var pair = new Pair(_clock);

        await WriteRelayCellsAsync(pair.Inbound, 1, 2, 3, 99, 4);

        // 1–3 go out while the handler waits at 99 (nothing is held back behind a wait) ...
        Assert.Equal(new uint[] { 1, 2, 3 }, await pair.Outbound.ReadCircIdsAsync(3));
        pair.Forwarder.Gate.SetResult();
        // ... and the rest once it is let go.
        Assert.Equal(new uint[] { 99, 4 }, await pair.Outbound.ReadCircIdsAsync(2));
    }

    [Fact]
    public async Task A_read_loop_whose_handlers_finish_on_another_thread_leaves_no_scope_current_there()
    {
        // Each handler ends on the completer's thread while the read loop is still starting to await it: the loop must
        // enter its scope again on the thread it resumes on, never on the completer's, or the cells queued there later
        // join a scope nobody flushes.
        using var completer = new Completer();
        await using var pair = new Pair(_clock, new Forwarder { Completer = completer });

        const int Batches = 2000, PerBatch = 20;
        for (int b = 0; b < Batches; b++)
        {
            var ids = Enumerable.Range(1000 + b * PerBatch, PerBatch).Select(i => (uint)i).ToArray();
            await WriteRelayCellsAsync(pair.Inbound, ids);
            Assert.Equal(ids, await pair.Outbound.ReadCircIdsAsync(PerBatch));
        }
        Assert.Equal(0, completer.StaleScopesSeen);
    }
}
