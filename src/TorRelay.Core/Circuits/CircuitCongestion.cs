using TorRelay.Core.Circuits.Congestion;

namespace TorRelay.Core.Circuits;

/// <summary>
/// Congestion control (proposal 324) negotiated on a circuit that ends here: the Vegas window over the DATA cells we
/// send towards the client, which replaces the fixed 1000/100 package window. The sender (under the circuit's
/// backward gate) and the forward read loop (SENDMEs) share one lock, as <see cref="CongestionControl"/> needs.
/// Also carries what the circuit's streams need for XON/XOFF flow control.
/// </summary>
public sealed class CircuitCongestion
{
    private readonly Lock _gate = new();
    private readonly CongestionControl _cc;
    private readonly Wakeup _room = new();
    private bool _blockedOnChannel;
    private bool _closed;

    public CircuitCongestion(CongestionControlParams parameters, CongestionControlStats stats, MonotonicClockCheck clock)
    {
        Params = parameters;
        Stats = stats;
        Clock = clock;
        _cc = new CongestionControl(parameters, parameters.SendmeInc, stats, clock);
    }

    public CongestionControlParams Params { get; }
    public CongestionControlStats Stats { get; }
    public MonotonicClockCheck Clock { get; }

    /// <summary>DATA cells per circuit SENDME, both ways (the cc_sendme_inc we granted).</summary>
    public int SendmeIncrement => _cc.SendmeIncrement;

    public long Cwnd
    {
        get { lock (_gate) return _cc.Cwnd; }
    }

    public long Inflight
    {
        get { lock (_gate) return _cc.Inflight; }
    }

    /// <summary>Waits until the window has room for a DATA cell (or the circuit closed). Takes nothing.</summary>
    public async ValueTask WaitToSendAsync(CancellationToken ct)
    {
        while (true)
        {
            Task wait;
            lock (_gate)
            {
                if (_closed || _cc.CanSend) return;
                wait = _room.Task;
            }
            await wait.WaitAsync(ct).ConfigureAwait(false);
        }
    }

    /// <summary>One DATA cell is being queued now; true if the client's SENDME will acknowledge it (keep its digest).</summary>
    public bool OnDataCellSent(long nowUsec)
    {
        lock (_gate)
        {
            bool acknowledged = _cc.NextCellIsAcknowledged;
            _cc.OnCellSent(nowUsec);
            return acknowledged;
        }
    }

    /// <summary>
    /// A circuit SENDME whose digest checked out. <paramref name="queuedCells"/>: our cells queued towards the client
    /// now, which give C tor's circuit_blocked_on_p_chan (blocked at cellq_high until drained to cellq_low). False
    /// when it acknowledges nothing we sent: a protocol violation.
    /// </summary>
    public bool OnSendmeReceived(long nowUsec, int queuedCells)
    {
        lock (_gate)
        {
            if (queuedCells >= Params.CellQueueHigh) _blockedOnChannel = true;
            else if (queuedCells <= Params.CellQueueLow) _blockedOnChannel = false;
            if (!_cc.OnSendmeReceived(nowUsec, _blockedOnChannel, queuedCells)) return false;
        }
        _room.Wake();
        return true;
    }

    /// <summary>The circuit closed: feeds the close statistics once and releases waiting senders.</summary>
    public void OnCircuitClosed()
    {
        lock (_gate)
        {
            if (_closed) return;
            _closed = true;
            _cc.OnCircuitClosed();
        }
        _room.Wake();
    }
}
