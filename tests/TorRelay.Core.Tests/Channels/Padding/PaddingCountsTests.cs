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

    /// <summary>Padding timers of channels (every timer but the first, the shared once-a-second look), armed ones only.</summary>
    private IEnumerable<SteppedTimeProvider.StepTimer> PaddingTimers => _clock.ArmedTimers.Where(t => t != _clock.Timers[0]);

    [Fact]
    public void Max_chanpad_timers_is_the_most_padding_timers_pending_at_once()
    {
        using var a = Padding();
        using var b = Padding();
        // The shared look a second in finds both channels' padding due in 500 ms: each arms its padding timer.
        _clock.FireTimer();
        Assert.Equal([500L, 500L], PaddingTimers.Select(t => t.DueInMs!.Value));
        _clock.FireTimer();
        _clock.FireTimer();
        Assert.Empty(PaddingTimers);
        Assert.Equal(2UL, _policy.Counts.TakeAndReset().MaxChanpadTimers);

        // The next period's maximum starts over: with b stopped, the next look arms a's timer only.
        b.OnNegotiate(Stop());
        _clock.FireTimer();
        Assert.Single(PaddingTimers);
        Assert.Equal(1UL, _policy.Counts.TakeAndReset().MaxChanpadTimers);
    }

    [Fact]
    public void A_padding_timer_cancelled_by_STOP_is_no_longer_pending()
    {
        using var a = Padding();
        _clock.FireTimer(); // a's padding is due in 500 ms: its timer is pending
        a.OnNegotiate(Stop());
        Assert.Empty(PaddingTimers);
        using var b = Padding();
        _clock.FireTimer(); // the next look: b's is due in 500 ms, while a's no longer counts
        Assert.Single(PaddingTimers);
        Assert.Equal(1UL, _policy.Counts.TakeAndReset().MaxChanpadTimers);
    }
}
