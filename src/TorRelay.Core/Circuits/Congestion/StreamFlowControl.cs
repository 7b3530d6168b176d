using TorRelay.Cells.Relay;

namespace TorRelay.Core.Circuits.Congestion;

/// <summary>
/// XON/XOFF stream flow control at an exit (proposal 324 §4; C tor 0.4.9 congestion_control_flow.c), which replaces
/// stream SENDME windows on circuits with congestion control. Receiving side: as data from the client queues towards
/// the destination, decide when to send XOFF and when an XON (with the advisory drain rate) is due. Sending side:
/// a client's XOFF pauses reading from the destination until its XON, which also sets the read rate. Times are
/// monotonic microseconds (> 0). Not thread-safe: the caller serialises calls for one stream.
/// </summary>
public sealed class StreamFlowControl
{
    /// <summary>MAX_EXPECTED_CELL_BURST: cells C tor may queue before the outbuf gets a chance to drain.</summary>
    public const int MaxExpectedCellBurst = 32;

    /// <summary>XOFF_GRACE_PERIOD_USEC: how long the queue may stay above the limit before we send XOFF.</summary>
    public const long XoffGracePeriodUsec = 5000;

    private const uint MaxRate = int.MaxValue;

    private readonly CongestionControlParams _p;
    private readonly CongestionControlStats? _stats;
    private readonly MonotonicClockCheck _clock;
    private long _xoffGraceStartUsec;
    private long _drainStartUsec;
    private uint _drainedBytes;
    private uint _prevDrainedBytes;

    /// <param name="enabled">Whether the stream's circuit negotiated congestion control (edge_uses_flow_control).</param>
    /// <param name="clock">The relay-wide clock verdict shared with <see cref="CongestionControl"/>.</param>
    public StreamFlowControl(CongestionControlParams parameters, bool enabled, CongestionControlStats? stats = null,
        MonotonicClockCheck? clock = null)
    {
        _p = parameters;
        _stats = stats;
        _clock = clock ?? new MonotonicClockCheck();
        Enabled = enabled;
    }

    public bool Enabled { get; }

    // ---- Receiving side: data from the client, written to the destination ----

    /// <summary>We sent XOFF and no XON since.</summary>
    public bool XoffSent { get; private set; }

    /// <summary>EWMA of the destination's drain rate, kilobytes (1000 bytes) per second; 0 when unknown.</summary>
    public uint EwmaDrainRateKbps { get; private set; }

    /// <summary>The rate in our last XON.</summary>
    public uint RateLastSentKbps { get; private set; }

    /// <summary>
    /// flow_control_decide_xoff, on each DATA cell for this stream: <paramref name="bufferedBytes"/> is what is queued
    /// towards the destination before this cell's data is added (as C tor measures it). XOFF once the queue has stayed
    /// above cc_xoff_exit cells for the grace period; an advisory XON may be due when more than a burst is queued.
    /// </summary>
    public FlowControlAction OnDataReceived(long bufferedBytes, long nowUsec)
    {
        if (!Enabled) return FlowControlAction.None;
        var action = FlowControlAction.None;
        if (bufferedBytes > _p.XoffExitBytes)
        {
            if (!XoffSent)
            {
                if (_xoffGraceStartUsec == 0) _xoffGraceStartUsec = nowUsec;
                else if (nowUsec > _xoffGraceStartUsec + XoffGracePeriodUsec) action = SendXoff(bufferedBytes);
            }
        }
        else
        {
            _xoffGraceStartUsec = 0;
        }
        // Writes happen only when the socket unblocks, so a growing queue is the moment to reconsider the rate.
        if (bufferedBytes > MaxExpectedCellBurst * CongestionControlParams.RelayPayloadSize)
        {
            var xon = OnBytesWritten(0, bufferedBytes, nowUsec);
            if (action.Signal == FlowControlSignal.None) action = xon;
        }
        return action;
    }

    /// <summary>
    /// flow_control_decide_xon, after each write to the destination: <paramref name="bytesWritten"/> just left the
    /// queue, <paramref name="bufferedBytes"/> remain. Measures the drain rate every cc_xon_rate cells; answers XON
    /// when the queue empties after an XOFF, or when the rate moved more than cc_xon_change_pct since our last XON.
    /// </summary>
    public FlowControlAction OnBytesWritten(long bytesWritten, long bufferedBytes, long nowUsec)
    {
        if (!Enabled) return FlowControlAction.None;
        uint written = (uint)Math.Clamp(bytesWritten, 0, uint.MaxValue / 2);
        if (_drainedBytes >= uint.MaxValue - written)
        {
            // Halve the count and move the start halfway to now, keeping the rate.
            _drainedBytes /= 2;
            if (_drainStartUsec != 0) _drainStartUsec = nowUsec - (nowUsec - _drainStartUsec) / 2;
        }
        _drainedBytes += written;

        if (!_clock.IsReliable)
        {
            _drainStartUsec = 0;
            _drainedBytes = 0;
        }
        else if (_drainStartUsec == 0 && bufferedBytes > 0)
        {
            _drainStartUsec = nowUsec;
            _drainedBytes = 0;
        }

        if (_drainStartUsec != 0 && _drainedBytes > _p.XonRateBytes) UpdateDrainRate(nowUsec);

        var action = FlowControlAction.None;
        if (!XoffSent)
        {
            if (DrainRateChanged()) action = SendXon(rateChangeBuffered: bufferedBytes);
        }
        else if (bufferedBytes == 0)
        {
            action = SendXon(rateChangeBuffered: null);
        }

        if (bufferedBytes == 0)
        {
            _drainStartUsec = 0;
            // Empty for cc_xon_rate cells' worth of writes: the destination can take more, so double the advice.
            if (_drainedBytes >= _p.XonRateBytes && RateLastSentKbps != 0)
            {
                EwmaDrainRateKbps = (uint)Math.Min(MaxRate, 2UL * EwmaDrainRateKbps);
                _prevDrainedBytes = _drainedBytes;
                _drainedBytes = 0;
            }
        }
        return action;
    }

    private void UpdateDrainRate(long nowUsec)
    {
        // The first rate uses this period's bytes as the previous count, so that an XON never advises 0.
        if (_prevDrainedBytes == 0) _prevDrainedBytes = _drainedBytes;
        uint rate = ComputeDrainRate(nowUsec);
        _prevDrainedBytes = _drainedBytes;
        if (rate == 0) return;
        EwmaDrainRateKbps = (uint)Ewma.NCount(rate, EwmaDrainRateKbps, (ulong)_p.XonEwmaCnt);
        _drainedBytes = 0;
        _drainStartUsec = 0;
    }

    /// <summary>compute_drain_rate: the previous period's bytes over this period's time, in kilobytes per second.</summary>
    private uint ComputeDrainRate(long nowUsec)
    {
        if (!_clock.IsReliable || nowUsec <= _drainStartUsec) return 0;
        ulong delta = (ulong)(nowUsec - _drainStartUsec);
        if (_prevDrainedBytes > MaxRate / 1000 || _prevDrainedBytes / delta > MaxRate / 1000) return MaxRate;
        return (uint)Math.Max(1UL, (ulong)_prevDrainedBytes * 1000 / delta);
    }

    /// <summary>stream_drain_rate_changed.</summary>
    private bool DrainRateChanged()
    {
        if (!_clock.IsReliable || RateLastSentKbps == 0) return false;
        ulong last = RateLastSentKbps;
        return EwmaDrainRateKbps > (100 + (ulong)_p.XonChangePct) * last / 100
            || EwmaDrainRateKbps < (100 - (ulong)_p.XonChangePct) * last / 100;
    }

    private FlowControlAction SendXoff(long bufferedBytes)
    {
        XoffSent = true;
        _stats?.XoffWasSent(bufferedBytes);
        // A rate measured all the way to XOFF was wrong.
        EwmaDrainRateKbps = 0;
        _xoffGraceStartUsec = 0;
        return new FlowControlAction(FlowControlSignal.Xoff);
    }

    private FlowControlAction SendXon(long? rateChangeBuffered)
    {
        RateLastSentKbps = EwmaDrainRateKbps;
        XoffSent = false;
        _stats?.XonWasSent(rateChangeBuffered);
        return new FlowControlAction(FlowControlSignal.Xon, EwmaDrainRateKbps);
    }

    // ---- Sending side: data read from the destination, packaged towards the client ----

    /// <summary>The client sent XOFF: stop reading from the destination until its XON.</summary>
    public bool XoffReceived { get; private set; }

    /// <summary>Whether we may read from the destination and package DATA for this stream.</summary>
    public bool CanRead => !XoffReceived;

    /// <summary>Read rate limit from the client's last XON (bytes per second, also the burst); int.MaxValue: none.</summary>
    public int ReadRateBytesPerSecond { get; private set; } = int.MaxValue;

    public long XoffReceivedCount { get; private set; }
    public long XonReceivedCount { get; private set; }

    /// <summary>XOFF/XON refused: on a circuit without CC, a second XOFF, or a malformed XON.</summary>
    public long RejectedCount { get; private set; }

    /// <summary>
    /// circuit_process_stream_xoff. False (and nothing changes) on a circuit without congestion control or for a
    /// second XOFF; C tor 0.4.9 logs that as a protocol warning and otherwise ignores it at an exit. C tor ignores
    /// the XOFF body, so the caller need not decode it.
    /// </summary>
    public bool OnXoffReceived()
    {
        if (!Enabled || XoffReceived) return Reject();
        XoffReceivedCount++;
        XoffReceived = true;
        return true;
    }

    /// <summary>
    /// circuit_process_stream_xon: <paramref name="body"/> is the XON message. Resumes reading and sets the read rate
    /// to kbps_ewma·1000 bytes/s (no limit when 0). False, changing nothing, on a circuit without CC or a malformed XON.
    /// </summary>
    public bool OnXonReceived(ReadOnlySpan<byte> body)
    {
        if (!Enabled || !XonMessage.TryDecode(body, out var xon, out _)) return Reject();
        XonReceivedCount++;
        ulong rate = (ulong)xon.KbpsEwma * 1000;
        ReadRateBytesPerSecond = rate == 0 || rate > int.MaxValue ? int.MaxValue : (int)rate;
        XoffReceived = false;
        return true;
    }

    private bool Reject()
    {
        RejectedCount++;
        return false;
    }
}
