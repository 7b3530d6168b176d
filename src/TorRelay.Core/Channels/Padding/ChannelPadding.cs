using System.Buffers;
using Microsoft.Extensions.Logging;
using TorRelay.Cells;
using TorRelay.Cells.Link;

namespace TorRelay.Core.Channels.Padding;

/// <summary>
/// Connection-level padding on one channel (padding-spec §2; C tor's channelpadding.c): when the channel has carried
/// no cell either way for a random timeout, we send a PADDING cell, so that netflow records of an idle client
/// connection do not end. Only link protocol 5 channels pad (padding_enabled), and only to clients unless the
/// consensus sets nf_pad_relays. A PADDING_NEGOTIATE STOP from the peer turns it off, START back on with its timeouts.
/// Like C tor, every channel is looked at once a second from one shared timer (<see cref="PaddingHousekeeping"/>); a
/// channel arms a timer of its own only when its padding falls due before the next look. The cell path only stores a
/// timestamp.
/// </summary>
public sealed partial class ChannelPadding : IDisposable
{
    /// <summary>C tor's TOR_HOUSEKEEPING_CALLBACK_MSEC (+ its 100 ms slack): how far ahead a padding time is timed exactly.</summary>
    public static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(1);
    private const int CheckSlackMs = 100;

    private readonly PaddingPolicy _policy;
    private readonly TimeProvider _time;
    private readonly Func<bool> _hasQueuedCells;
    private readonly Func<bool>? _refusesNegotiation;
    private readonly Action _sendPadding;
    private readonly string _peer;
    private readonly object _gate = new();
    private ITimer? _padTimer; // made the first time padding falls due between two looks
    private long _lastTransfer;
    private long _periodStart = long.MinValue;
    private int _timeoutMs;
    // Read without the lock by the cell counts; written under it.
    private volatile bool _enabled;
    private bool _disposed;
    private bool _padTimerPending;
    private volatile bool _usedForFullCircuits;

    /// <param name="isClientChannel">The peer did not authenticate as a relay (C tor's CHANNEL_IS_CLIENT).</param>
    /// <param name="hasQueuedCells">Whether cells wait to be written; a channel with any is not idle.</param>
    /// <param name="sendPadding">Queues one PADDING cell.</param>
    /// <param name="peer">Names the peer in logs (never a client's address).</param>
    /// <param name="refusesNegotiation">Whether the peer's PADDING_NEGOTIATE cells are refused (a relay talking to a bridge).</param>
    public ChannelPadding(PaddingPolicy policy, int linkVersion, bool isClientChannel, Func<bool> hasQueuedCells,
        Action sendPadding, string peer, Func<bool>? refusesNegotiation = null)
    {
        _refusesNegotiation = refusesNegotiation;
        _policy = policy;
        _time = policy.Time;
        LinkVersion = linkVersion;
        IsClientChannel = isClientChannel;
        _hasQueuedCells = hasQueuedCells;
        _sendPadding = sendPadding;
        _peer = peer;
        _enabled = linkVersion >= MinLinkVersion;
        Id = policy.NextChannelId();
        _lastTransfer = _time.GetTimestamp();
    }

    /// <summary>
    /// Padding for an open channel, started: a client channel is one whose peer did not authenticate, and PADDING
    /// cells (all-zero bodies, as C tor's) go through the channel's own queue like any channel cell.
    /// </summary>
    public static ChannelPadding Start(Channel channel, PaddingPolicy policy)
    {
        var padding = new ChannelPadding(policy, channel.LinkVersion, channel.Peer is null, () => channel.QueuedCells > 0,
            () => SendPaddingCell(channel), channel.Describe(),
            () => channel.Peer is { } peer && policy.RefusesNegotiationFrom?.Invoke(peer) == true);
        // Runs at once if the channel closed already: no timer outlives its channel.
        channel.ClosedToken.Register(static p => ((ChannelPadding)p!).Dispose(), padding);
        padding.Start();
        return padding;
    }

    private static void SendPaddingCell(Channel channel)
    {
        byte[] cell = channel.RentCell(default, CellCommand.Padding, out var body);
        body.Clear();
        var queued = channel.EnqueueAsync(cell, CancellationToken.None);
        if (!queued.IsCompletedSuccessfully) _ = ObserveAsync(queued);
    }

    /// <summary>Only when the queue filled since we looked: the wait ends when it drains or the channel closes.</summary>
    private static async Task ObserveAsync(ValueTask queued)
    {
        try
        {
            await queued.ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or InvalidOperationException)
        {
        }
    }

    /// <summary>MIN_LINK_PROTO_FOR_CHANNEL_PADDING.</summary>
    public const int MinLinkVersion = 5;

    /// <summary>Numbers this channel in padding logs (C tor's global_identifier), since a client has no fingerprint.</summary>
    public long Id { get; }

    public int LinkVersion { get; }
    public bool IsClientChannel { get; }

    /// <summary>C tor's padding_enabled: link protocol 5 and not stopped by the peer.</summary>
    public bool Enabled => _enabled;

    /// <summary>Timeouts the peer negotiated with START (0 when none); the consensus bounds still apply below them.</summary>
    public int NegotiatedLowMs { get; private set; }
    public int NegotiatedHighMs { get; private set; }

    /// <summary>Padding cells this channel has queued (for tests and logs).</summary>
    public long PaddingCellsSent => Interlocked.Read(ref _sent);
    private long _sent;

    /// <summary>
    /// The channel carried a multi-hop circuit's RELAY or RELAY_EARLY cell (C tor's CHANNEL_USED_FOR_FULL_CIRCS, set in
    /// circuit_update_channel_usage): only then does it pad, as C tor does with nf_pad_before_usage at its default 1.
    /// Called on the cell path, so it writes only the first time.
    /// </summary>
    public void MarkUsedForFullCircuits()
    {
        if (!_usedForFullCircuits) _usedForFullCircuits = true;
    }

    /// <summary>Begins watching the channel for idleness (nothing once disposed: its channel closed first).</summary>
    public void Start()
    {
        lock (_gate)
        {
            if (_disposed) return;
            // Under the lock, so a Dispose racing with it either comes first or finds us registered and removes us.
            _policy.Housekeeping.Add(this);
            Check_Locked();
        }
    }

    /// <summary>A cell was read or written just now: restarts the idle clock.</summary>
    public void NoteTransfer() => Volatile.Write(ref _lastTransfer, _time.GetTimestamp());

    /// <summary>Counts a cell read (the cell path): C tor counts fixed-length ones only.</summary>
    public void CountRead(CellCommand command, int cells = 1)
    {
        if (!command.IsVariableLength()) _policy.Counts.CountRead(command == CellCommand.Padding, _enabled, cells);
    }

    /// <summary>A RELAY_DROP cell for our hop arrived on this channel (padding-counts read-drop).</summary>
    public void CountReadDrop() => _policy.Counts.CountReadDrop();

    /// <summary>Counts a cell written (the cell path): a variable-length one only in the total, as C tor does.</summary>
    public void CountWritten(CellCommand command, int cells = 1)
    {
        bool fixedLength = !command.IsVariableLength();
        _policy.Counts.CountWritten(fixedLength && command == CellCommand.Padding, fixedLength && _enabled, cells);
    }

    /// <summary>
    /// A PADDING_NEGOTIATE arrived (channel_tls_process_padding_negotiate_cell, channelpadding_update_padding_for_channel):
    /// dropped on links before v5 or when malformed, else STOP disables and START enables padding, with a low bound
    /// of at least the consensus nf_ito_low and a high bound of at least that low one.
    /// </summary>
    public void OnNegotiate(ReadOnlySequence<byte> payload)
    {
        Span<byte> body = stackalloc byte[PaddingNegotiateCell.Length];
        int n = (int)Math.Min(payload.Length, body.Length);
        payload.Slice(0, n).CopyTo(body);
        if (LinkVersion < MinLinkVersion)
        {
            LogNegotiateDropped(_policy.Log, LinkVersion, "a link protocol without padding");
            return;
        }
        if (!PaddingNegotiateCell.TryDecode(body[..n], out var cell, out _))
        {
            LogNegotiateDropped(_policy.Log, LinkVersion, "malformed");
            return;
        }
        if (_refusesNegotiation?.Invoke() == true)
        {
            LogNegotiateFromRelay(_policy.Log, _peer);
            return;
        }
        bool start = cell.Command == PaddingNegotiateCommand.Start;
        int low = Math.Max(_policy.Parameters.ItoLowMs, cell.ItoLowMs);
        int high = Math.Max(low, (int)cell.ItoHighMs);
        lock (_gate)
        {
            _enabled = start;
            NegotiatedLowMs = low;
            NegotiatedHighMs = high;
            _periodStart = long.MinValue; // draw again with the new bounds
            if (start) Check_Locked();
            else Disarm_Locked();
        }
        _policy.Metrics?.PaddingNegotiated(start);
        LogNegotiated(_policy.Log, Id, _peer, start ? "START" : "STOP", low, high);
    }

    /// <summary>The exact padding timer fired.</summary>
    private void Check()
    {
        lock (_gate) Check_Locked();
    }

    /// <summary>The shared once-a-second look; a channel with a padding timer pending waits for that one instead.</summary>
    internal void OnHousekeepingTick()
    {
        lock (_gate)
        {
            if (_padTimerPending || _disposed || !_enabled) return;
            Check_Locked();
        }
    }

    /// <summary>channelpadding_decide_to_pad_channel and its timer callback in one.</summary>
    private void Check_Locked()
    {
        EndPadTimer_Locked();
        if (_disposed) return;
        if (!_enabled)
        {
            Disarm_Locked();
            return;
        }
        // Whether to pad may change with the consensus (nf_pad_relays, nf_ito_*) and with use: look again each second.
        if (!_usedForFullCircuits || (!IsClientChannel && !_policy.Parameters.PadRelays))
        {
            AwaitTick_Locked();
            return;
        }
        long now = _time.GetTimestamp();
        long last = Volatile.Read(ref _lastTransfer);
        if (last != _periodStart)
        {
            // Active since the last look (C tor zeroes next_padding_time): a fresh timeout from the last transfer.
            _periodStart = last;
            _timeoutMs = _policy.DrawTimeoutMs(NegotiatedLowMs, NegotiatedHighMs);
        }
        if (_timeoutMs == 0)
        {
            AwaitTick_Locked();
            return;
        }
        double untilPad = _timeoutMs - _time.GetElapsedTime(last, now).TotalMilliseconds;
        if (untilPad >= CheckInterval.TotalMilliseconds + CheckSlackMs)
        {
            AwaitTick_Locked();
            return;
        }
        if (untilPad > 0)
        {
            // C tor's padding timer proper (channelpadding_schedule_padding), counted for max-chanpad-timers.
            _padTimerPending = true;
            _policy.Counts.TimerScheduled();
            _padTimer ??= _time.CreateTimer(static s => ((ChannelPadding)s!).Check(), this, Timeout.InfiniteTimeSpan,
                Timeout.InfiniteTimeSpan);
            _padTimer.Change(TimeSpan.FromMilliseconds(untilPad), Timeout.InfiniteTimeSpan);
            return;
        }
        if (!_hasQueuedCells())
        {
            _sendPadding();
            Interlocked.Increment(ref _sent);
            LogPaddingSent(_policy.Log, Id, _peer, _timeoutMs);
        }
        // Sending (ours or the queued cells) is activity: the next look draws a new timeout from it.
        Volatile.Write(ref _lastTransfer, now);
        AwaitTick_Locked();
    }

    private void EndPadTimer_Locked()
    {
        if (!_padTimerPending) return;
        _padTimerPending = false;
        _policy.Counts.TimerDone();
    }

    /// <summary>The next look is the shared tick's: a padding timer still armed (START came while it was) is stopped.</summary>
    private void AwaitTick_Locked() => _padTimer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);

    private void Disarm_Locked()
    {
        EndPadTimer_Locked();
        AwaitTick_Locked();
    }

    /// <summary>Leaves the shared tick and stops the padding timer; called when the channel closes.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            EndPadTimer_Locked();
            _padTimer?.Dispose();
        }
        _policy.Housekeeping.Remove(this);
    }

    /// <summary>Debug is tor's info level, where C tor logs negotiations and keepalives.</summary>
    [LoggerMessage(Level = LogLevel.Debug, Message = "Padding negotiated on channel {Id} to {Peer}: {Command} {Low}-{High} ms")]
    private static partial void LogNegotiated(ILogger log, long id, string peer, string command, int low, int high);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Dropped a PADDING_NEGOTIATE cell on a v{LinkVersion} channel: {Reason}")]
    private static partial void LogNegotiateDropped(ILogger log, int linkVersion, string reason);

    /// <summary>C tor's protocol warning (tor's info level unless ProtocolWarnings is set).</summary>
    [LoggerMessage(Level = LogLevel.Debug, Message = "Got a PADDING_NEGOTIATE from relay at {Peer}. This should not happen.")]
    private static partial void LogNegotiateFromRelay(ILogger log, string peer);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Sending netflow keepalive on channel {Id} to {Peer} after {TimeoutMs} ms idle")]
    private static partial void LogPaddingSent(ILogger log, long id, string peer, int timeoutMs);
}
