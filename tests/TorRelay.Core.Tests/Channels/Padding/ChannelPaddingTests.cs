using System.Buffers;
using TorRelay.Cells;
using TorRelay.Cells.Link;
using TorRelay.Core.Channels.Padding;

namespace TorRelay.Core.Tests.Channels.Padding;

/// <summary>The padding machine of one channel, with a clock the test moves and draws the test picks.</summary>
public sealed class ChannelPaddingTests
{
    private readonly SteppedTimeProvider _clock = new();
    private int _sent;
    private bool _queued;

    /// <summary>Every draw is 0, so every timeout is the low bound: 1500 ms with the default consensus.</summary>
    private ChannelPadding Padding(int linkVersion = 5, bool client = true, PaddingParameters? parameters = null, bool used = true,
        bool refusesNegotiation = false, PaddingPolicy? policy = null)
    {
        policy ??= new PaddingPolicy(_clock, new ScriptedRandom(), parameters: parameters);
        var padding = new ChannelPadding(policy, linkVersion, client, () => _queued, () => _sent++, "test peer",
            () => refusesNegotiation);
        if (used) padding.MarkUsedForFullCircuits();
        padding.Start();
        return padding;
    }

    private static ReadOnlySequence<byte> Negotiate(PaddingNegotiateCommand command, ushort low, ushort high)
    {
        var payload = new byte[LinkVersion.PayloadLength];
        new PaddingNegotiateCell(command, low, high).EncodeTo(payload);
        return new ReadOnlySequence<byte>(payload);
    }

    /// <summary>Fires the timers until <paramref name="ms"/> have passed; returns padding cells sent meanwhile.</summary>
    private int RunFor(int ms)
    {
        int before = _sent;
        long end = _clock.GetTimestamp() + ms;
        while (_clock.NextDueAtMs is { } due && due <= end) _clock.FireTimer();
        _clock.Advance((int)(end - _clock.GetTimestamp()));
        return _sent - before;
    }

    [Fact]
    public void An_idle_client_channel_gets_a_padding_cell_after_the_drawn_timeout()
    {
        using var padding = Padding();
        Assert.Equal(0, RunFor(1499));
        Assert.Equal(1, RunFor(1));
        // Sending is activity: the next one comes a timeout later, and so on while idle.
        Assert.Equal(0, RunFor(1499));
        Assert.Equal(1, RunFor(1));
        Assert.Equal(6, RunFor(9000));
    }

    [Fact]
    public void Traffic_either_way_restarts_the_idle_clock()
    {
        using var padding = Padding();
        for (int i = 0; i < 10; i++)
        {
            Assert.Equal(0, RunFor(1000));
            padding.NoteTransfer();
        }
        Assert.Equal(0, _sent);
    }

    [Fact]
    public void A_channel_with_queued_cells_is_not_idle()
    {
        using var padding = Padding();
        _queued = true;
        Assert.Equal(0, RunFor(10_000));
        _queued = false;
        Assert.Equal(1, RunFor(1500));
    }

    [Fact]
    public void Relay_channels_are_padded_only_when_the_consensus_says_nf_pad_relays()
    {
        using (Padding(client: false)) Assert.Equal(0, RunFor(20_000));
        using (Padding(client: false, parameters: new PaddingParameters(PadRelays: true))) Assert.Equal(1, RunFor(1500));
    }

    [Fact]
    public void Links_before_version_5_neither_pad_nor_negotiate()
    {
        using var padding = Padding(linkVersion: 4);
        Assert.False(padding.Enabled);
        padding.OnNegotiate(Negotiate(PaddingNegotiateCommand.Start, 2000, 3000));
        Assert.False(padding.Enabled);
        Assert.Equal(0, RunFor(20_000));
    }

    [Fact]
    public void A_consensus_without_padding_range_sends_none()
    {
        using var padding = Padding(parameters: new PaddingParameters(0, 0));
        Assert.Equal(0, RunFor(70_000));
    }

    [Fact]
    public void Stop_turns_padding_off_and_start_turns_it_back_on_with_the_peers_timeouts()
    {
        using var padding = Padding();
        padding.OnNegotiate(Negotiate(PaddingNegotiateCommand.Stop, 0, 0));
        Assert.False(padding.Enabled);
        Assert.Equal(0, RunFor(60_000));

        padding.OnNegotiate(Negotiate(PaddingNegotiateCommand.Start, 9000, 14000));
        Assert.True(padding.Enabled);
        Assert.Equal((9000, 14000), (padding.NegotiatedLowMs, padding.NegotiatedHighMs));
        Assert.Equal(0, RunFor(8999));
        Assert.Equal(1, RunFor(1));
    }

    [Theory]
    [InlineData(100, 200, 1500, 1500)] // low raised to nf_ito_low, high to at least low
    [InlineData(3000, 2000, 3000, 3000)]
    [InlineData(0, 0, 1500, 1500)] // STOP's zeros: C tor stores them clamped too
    [InlineData(2000, 65535, 2000, 65535)]
    public void Negotiated_timeouts_are_clamped_as_tor_does(int low, int high, int wantLow, int wantHigh)
    {
        using var padding = Padding();
        padding.OnNegotiate(Negotiate(PaddingNegotiateCommand.Start, (ushort)low, (ushort)high));
        Assert.Equal((wantLow, wantHigh), (padding.NegotiatedLowMs, padding.NegotiatedHighMs));
    }

    [Theory]
    [InlineData("0102000100020000")] // version 1
    [InlineData("0003000100020000")] // unknown command
    [InlineData("0001")] // short
    public void Malformed_negotiation_is_dropped_and_changes_nothing(string hex)
    {
        using var padding = Padding();
        padding.OnNegotiate(new ReadOnlySequence<byte>(Convert.FromHexString(hex)));
        Assert.True(padding.Enabled);
        Assert.Equal((0, 0), (padding.NegotiatedLowMs, padding.NegotiatedHighMs));
        Assert.Equal(1, RunFor(1500));
    }

    [Fact]
    public void Dispose_stops_the_timers_for_good()
    {
        var padding = Padding();
        Assert.Equal(0, RunFor(1200)); // the look a second in armed the padding timer, due 300 ms from now
        Assert.Equal(2, _clock.ArmedTimers.Count());
        padding.Dispose();
        Assert.Empty(_clock.ArmedTimers);
        Assert.All(_clock.Timers, t => Assert.True(t.Disposed));
        padding.OnNegotiate(Negotiate(PaddingNegotiateCommand.Start, 2000, 3000));
        Assert.Empty(_clock.ArmedTimers);
        Assert.Equal(0, _sent);
    }

    [Fact]
    public void Idle_channels_share_one_timer_a_second_and_arm_their_own_only_when_padding_falls_due()
    {
        var policy = new PaddingPolicy(_clock, new ScriptedRandom());
        var unused = Enumerable.Range(0, 1000).Select(_ => Padding(used: false, policy: policy)).ToList();
        using var padded = Padding(policy: policy);
        Assert.Single(_clock.Timers);
        Assert.Equal(1000, _clock.Timers[0].PeriodMs);

        // The shared look fires each second; the used channel alone arms a timer, for its padding 500 ms after a look.
        Assert.Equal(1, RunFor(1500));
        Assert.Equal(2, _clock.Timers.Count);
        Assert.Equal(6, RunFor(9000));
        Assert.Equal(2, _clock.Timers.Count);

        // The shared timer stops with the last channel, and a channel opened later starts it again.
        foreach (var p in unused) p.Dispose();
        padded.Dispose();
        Assert.Empty(_clock.ArmedTimers);
        using var later = Padding(policy: policy);
        Assert.Single(_clock.ArmedTimers);
        Assert.Equal(1, RunFor(1500));
    }

    [Fact]
    public void A_padding_started_after_its_channel_closed_stays_out_of_the_shared_tick()
    {
        var policy = new PaddingPolicy(_clock, new ScriptedRandom());
        var padding = new ChannelPadding(policy, 5, true, () => false, () => _sent++, "test peer");
        padding.MarkUsedForFullCircuits();
        padding.Dispose();
        padding.Start();
        Assert.Empty(_clock.ArmedTimers);
        Assert.Equal(0, policy.Housekeeping.Count);
    }

    [Fact]
    public void A_channel_that_never_carried_a_multi_hop_circuit_does_not_pad_until_it_does()
    {
        using var padding = Padding(used: false);
        Assert.Equal(0, RunFor(60_000));

        padding.MarkUsedForFullCircuits();
        Assert.True(RunFor(10_000) > 0);
    }

    [Fact]
    public void A_refused_peer_cannot_stop_padding()
    {
        // A bridge ignores PADDING_NEGOTIATE from relays in the consensus (channelpadding_update_padding_for_channel).
        using var padding = Padding(client: false, parameters: PaddingParameters.Default with { PadRelays = true },
            refusesNegotiation: true);
        padding.OnNegotiate(Negotiate(PaddingNegotiateCommand.Stop, 0, 0));
        Assert.True(padding.Enabled);
        Assert.True(RunFor(10_000) > 0);
    }
}
