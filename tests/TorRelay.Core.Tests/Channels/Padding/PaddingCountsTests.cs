using System.Buffers;
using TorRelay.Cells;
using TorRelay.Cells.Link;
using TorRelay.Core.Channels.Padding;

namespace TorRelay.Core.Tests.Channels.Padding;

/// <summary>The cell counts behind padding-counts, as C tor's rephist.c keeps them, fed through a channel's padding.</summary>
public sealed class PaddingCountsTests
{
    private readonly SteppedTimeProvider _clock = new();
    private readonly PaddingPolicy _policy;

    public PaddingCountsTests() => _policy = new PaddingPolicy(_clock, new ScriptedRandom());

    /// <summary>Every draw is 0, so every timeout is 1500 ms; the channel is a used client channel.</summary>
    private ChannelPadding Padding(int linkVersion = 5)
    {
        var padding = new ChannelPadding(_policy, linkVersion, isClientChannel: true, () => false, () => { }, "test peer");
        padding.MarkUsedForFullCircuits();
        padding.Start();
        return padding;
    }

    private static ReadOnlySequence<byte> Stop()
    {
        var payload = new byte[LinkVersion.PayloadLength];
        new PaddingNegotiateCell(PaddingNegotiateCommand.Stop, 0, 0).EncodeTo(payload);
        return new ReadOnlySequence<byte>(payload);
    }

    [Fact]
    public void Cells_on_a_padding_channel_count_in_the_totals_and_the_enabled_variants()
    {
        using var padding = Padding();
        padding.CountRead(CellCommand.Relay);
        padding.CountRead(CellCommand.Padding);
        padding.CountWritten(CellCommand.Padding);
        padding.CountWritten(CellCommand.Relay);
        padding.CountWritten(CellCommand.Destroy);

        Assert.Equal(new PaddingCountsSnapshot(WriteDrop: 0, WritePad: 1, WriteTotal: 3, ReadDrop: 0, ReadPad: 1,
            ReadTotal: 2, EnabledReadPad: 1, EnabledReadTotal: 2, EnabledWritePad: 1, EnabledWriteTotal: 3,
            MaxChanpadTimers: 0), _policy.Counts.TakeAndReset());
    }

    [Fact]
    public void Cells_on_a_link_without_padding_count_only_in_the_totals()
    {
        using var padding = Padding(linkVersion: 4);
        padding.CountRead(CellCommand.Padding);
        padding.CountWritten(CellCommand.Padding);

        var c = _policy.Counts.TakeAndReset();
        Assert.Equal((1UL, 1UL, 1UL, 1UL), (c.ReadTotal, c.ReadPad, c.WriteTotal, c.WritePad));
        Assert.Equal((0UL, 0UL, 0UL, 0UL), (c.EnabledReadTotal, c.EnabledReadPad, c.EnabledWriteTotal, c.EnabledWritePad));
    }

    [Fact]
    public void A_STOP_from_the_peer_ends_the_enabled_counts()
    {
        using var padding = Padding();
        padding.OnNegotiate(Stop());
        padding.CountRead(CellCommand.Padding);
        padding.CountWritten(CellCommand.Relay);

        var c = _policy.Counts.TakeAndReset();
        Assert.Equal((1UL, 1UL, 0UL, 0UL), (c.ReadTotal, c.WriteTotal, c.EnabledReadTotal, c.EnabledWriteTotal));
    }

    [Fact]
    public void Variable_length_cells_are_not_counted_when_read_and_count_only_in_the_total_when_written()
    {
        using var padding = Padding();
        padding.CountRead(CellCommand.VPadding);
        padding.CountRead(CellCommand.Versions);
        padding.CountWritten(CellCommand.VPadding);

        Assert.Equal(new PaddingCountsSnapshot(0, 0, WriteTotal: 1, 0, 0, 0, 0, 0, 0, 0, 0), _policy.Counts.TakeAndReset());
    }

    [Fact]
    public void Drop_cells_are_counted_apart_and_a_reset_starts_from_zero()
    {
        _policy.Counts.CountReadDrop();
        _policy.Counts.CountReadDrop();
        _policy.Counts.CountWriteDrop();

        var c = _policy.Counts.TakeAndReset();
        Assert.Equal((2UL, 1UL, 0UL, 0UL), (c.ReadDrop, c.WriteDrop, c.ReadTotal, c.WriteTotal));
        Assert.Equal(default, _policy.Counts.TakeAndReset());
    }

    /// <summary>Two channels opened together, each with its timer, and the clock a second on.</summary>
    private (ChannelPadding A, SteppedTimeProvider.StepTimer TimerA, ChannelPadding B, SteppedTimeProvider.StepTimer TimerB) TwoChannels()
    {
        var a = Padding();
        var timerA = _clock.Timer!;
        var b = Padding();
        var timerB = _clock.Timer!;
        // A second in, each channel's padding is due within the next one: firing its check schedules its padding timer.
        _clock.Advance(1000);
        return (a, timerA, b, timerB);
    }

    private static void Fire(SteppedTimeProvider.StepTimer timer) => timer.Callback(timer.State);

    [Fact]
    public void Max_chanpad_timers_is_the_most_padding_timers_pending_at_once()
    {
        var (a, timerA, b, timerB) = TwoChannels();
        using (a)
        using (b)
        {
            Fire(timerA);
            Fire(timerB);
            Assert.Equal(500, timerA.DueInMs);
            Assert.Equal(500, timerB.DueInMs);
            // Both fire and pad; afterwards the channels only look again in a second, with no padding timer pending.
            _clock.Advance(500);
            Fire(timerA);
            Fire(timerB);

            Assert.Equal(2UL, _policy.Counts.TakeAndReset().MaxChanpadTimers);
            // The next period's maximum starts over: one pending timer again makes it 1.
            _clock.Advance(1000);
            Fire(timerA);
            Assert.Equal(1UL, _policy.Counts.TakeAndReset().MaxChanpadTimers);
        }
    }

    [Fact]
    public void A_padding_timer_cancelled_by_STOP_is_no_longer_pending()
    {
        var (a, timerA, b, timerB) = TwoChannels();
        using (a)
        using (b)
        {
            Fire(timerA);
            a.OnNegotiate(Stop());
            Fire(timerB);

            Assert.Equal(1UL, _policy.Counts.TakeAndReset().MaxChanpadTimers);
        }
    }
}
