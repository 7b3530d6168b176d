using System.Buffers;
using TorRelay.Cells;
using TorRelay.Core.Channels.Padding;

namespace TorRelay.Core.Tests.Channels.Padding;

/// <summary>Padding attached to a real channel over a fake link: what reaches the wire, and that closing stops it.</summary>
public sealed class ChannelPaddingWireTests
{
    [Fact]
    public async Task An_idle_channel_writes_an_all_zero_padding_cell_and_closing_disposes_its_timers()
    {
        var clock = new SteppedTimeProvider();
        var link = new FakeLinkTransport();
        var channel = FakeLinkTransport.OpenChannel(link, clock);
        channel.Padding = ChannelPadding.Start(channel, new PaddingPolicy(clock, new ScriptedRandom()));
        channel.Padding.MarkUsedForFullCircuits();
        using var stop = new CancellationTokenSource();
        var run = channel.RunAsync(stop.Token);

        while (channel.Padding.PaddingCellsSent == 0) clock.FireTimer();
        var read = await link.FromChannel.ReadAtLeastAsync(514).AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        var cell = read.Buffer.Slice(0, 514).ToArray();
        Assert.Equal((byte)CellCommand.Padding, cell[4]);
        Assert.All(cell, b => Assert.Equal(0, b));
        link.FromChannel.AdvanceTo(read.Buffer.GetPosition(514));

        await channel.CloseAsync("test");
        await run.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Empty(clock.ArmedTimers);
        Assert.All(clock.Timers, t => Assert.True(t.Disposed));
    }
}
