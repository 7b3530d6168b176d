using System.Buffers;
using TorRelay.Cells;
using TorRelay.Core.Channels;

namespace TorRelay.Core.Tests.Channels;

/// <summary>A channel's writer over a fake link: what reaches the wire, in which order, and what closing frees.</summary>
public sealed class ChannelOutboundTests
{
    private readonly ManualClock _clock = new();

    private static ValueTask Send(Channel channel, uint circId, object? circuit) =>
        channel.EnqueueAsync(channel.RentCell(new CircId(circId), CellCommand.Relay, out _), circuit, CancellationToken.None);

    [Fact]
    public async Task The_writer_sends_the_channels_own_cells_first_then_the_quietest_circuit()
    {
        var link = new FakeLinkTransport();
        var channel = FakeLinkTransport.OpenChannel(link, _clock);
        object a = new(), b = new();
        for (int i = 0; i < 3; i++) await Send(channel, 1, a);
        await Send(channel, 2, b);
        await channel.SendFixedAsync(new CircId(9), CellCommand.Destroy, new byte[] { 1 }, CancellationToken.None);

        using var stop = new CancellationTokenSource();
        var run = channel.RunAsync(stop.Token);
        var ids = await link.ReadCircIdsAsync(5);
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(30));

        // A and B start even; once A has sent one cell B is quieter.
        Assert.Equal(new uint[] { 9, 1, 2, 1, 1 }, ids);
    }

    [Fact]
    public async Task Closing_a_channel_frees_every_queued_cell_and_releases_waiting_senders()
    {
        var budget = new QueueMemoryBudget(1 << 20);
        var link = new FakeLinkTransport();
        var channel = FakeLinkTransport.OpenChannel(link, _clock, new ChannelQueueSettings(new EwmaPolicy(_clock), budget, CircuitQueueCells: 4));
        object a = new(), b = new();
        for (int i = 0; i < 3; i++) await Send(channel, 1, a);
        var blocked = Send(channel, 1, a);
        await Send(channel, 2, b);
        Assert.False(blocked.IsCompleted);
        Assert.Equal(5 * CellPool.CellLength, budget.Allocated); // a queued cell holds one 514-byte buffer

        await channel.CloseAsync("test");

        await blocked.AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, channel.QueuedCells);
        Assert.Equal(0, budget.Allocated);
        Assert.Empty(budget.Muxes());
    }
}
