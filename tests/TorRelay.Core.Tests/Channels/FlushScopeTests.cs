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

        public async ValueTask<string?> HandleCellAsync(Channel channel, CellHeader header, ReadOnlySequence<byte> payload, CancellationToken ct)
        {
            if (header.CircId.Value == 99) await Gate.Task.WaitAsync(ct);
            var cell = Next!.RentCell(header.CircId, CellCommand.Relay, out var body);
            payload.CopyTo(body);
            await Next.EnqueueAsync(cell, this, ct);
            return null;
        }

        public ValueTask OnChannelClosedAsync(Channel channel) => ValueTask.CompletedTask;
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

        public Pair(TimeProvider time)
        {
            Forwarder.Next = Open(Outbound, time);
            _runs = [Forwarder.Next.RunAsync(_stop.Token), Open(Inbound, time, Forwarder).RunAsync(_stop.Token)];
        }

        public FakeLinkTransport Inbound { get; } = new();
        public FakeLinkTransport Outbound { get; } = new();
        public Forwarder Forwarder { get; } = new();

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
}
