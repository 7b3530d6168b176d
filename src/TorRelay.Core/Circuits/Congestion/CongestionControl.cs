namespace TorRelay.Core.Circuits.Congestion;

/// <summary>
/// TOR_VEGAS congestion control for the DATA cells one circuit end packages (proposal 324 §3.3; C tor 0.4.9
/// congestion_control_common.c and congestion_control_vegas.c): the congestion window, cells in flight, RTT and BDP
/// estimates. Times are monotonic microseconds passed in by the caller (see <see cref="MonotonicMicroseconds"/>).
/// Not thread-safe: the caller serialises sends and SENDMEs of one circuit. Allocates only when the window grows.
/// </summary>
public sealed class CongestionControl
{
    private readonly CongestionControlParams _p;
    private readonly CongestionControlStats? _stats;
    private readonly MonotonicClockCheck _clock;
    private readonly SendTimestampQueue _pending = new();

    /// <param name="sendmeIncrement">The negotiated cells per SENDME; at an exit, the cc_sendme_inc we offered.</param>
    /// <param name="stats">Relay-wide statistics to update, if any.</param>
    /// <param name="clock">Relay-wide clock verdict shared with stream flow control; a private one if null.</param>
    public CongestionControl(CongestionControlParams parameters, int sendmeIncrement, CongestionControlStats? stats = null,
        MonotonicClockCheck? clock = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sendmeIncrement, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(sendmeIncrement, 255);
        _p = parameters;
        _stats = stats;
        _clock = clock ?? new MonotonicClockCheck();
        SendmeIncrement = sendmeIncrement;
        Cwnd = parameters.CwndInit;
        InSlowStart = true;
        NextCcEvent = CwndUpdateRate();
        stats?.CircuitCreated();
    }

    /// <summary>Cells acknowledged by each circuit SENDME, in both directions: the deliver side sends one per this many DATA cells.</summary>
    public int SendmeIncrement { get; }

    /// <summary>Congestion window, in cells.</summary>
    public long Cwnd { get; internal set; }

    /// <summary>DATA cells sent and not yet acknowledged.</summary>
    public long Inflight { get; internal set; }

    /// <summary>Vegas BDP estimate, in cells (cwnd · min RTT / EWMA RTT).</summary>
    public long Bdp { get; private set; }

    public long EwmaRttUsec { get; private set; }
    public long MinRttUsec { get; private set; }
    public long MaxRttUsec { get; private set; }
    public bool InSlowStart { get; internal set; }

    /// <summary>Whether the window was recently used up (only then does cwnd grow).</summary>
    public bool CwndFull { get; private set; }

    /// <summary>Whether the last SENDME saw the circuit blocked on its channel (a congestion signal).</summary>
    public bool BlockedOnChannel { get; private set; }

    /// <summary>SENDMEs until the next steady-state cwnd update (once per window, or sooner when blocking changes).</summary>
    public long NextCcEvent { get; private set; }

    /// <summary>SENDMEs until a window's worth has been acknowledged (resets <see cref="CwndFull"/>).</summary>
    public long NextCwndEvent { get; private set; }

    /// <summary>Times this circuit left slow start (C tor may count one exit twice when cwnd also hits cc_ss_max).</summary>
    public int SlowStartExits { get; private set; }

    /// <summary>Times <see cref="CwndFull"/> went from false to true.</summary>
    public long CwndFullCount { get; private set; }

    /// <summary>RTT samples discarded because the clock looked stalled or jumped.</summary>
    public long ClockStalls { get; private set; }

    /// <summary>Times min RTT was raised because cwnd sat at cc_cwnd_min.</summary>
    public long RttResets { get; private set; }

    /// <summary>congestion_control_get_package_window: cells that may be sent now (0 when cwnd was just cut below inflight).</summary>
    public int PackageWindow => Inflight >= Cwnd ? 0 : (int)Math.Min(Cwnd - Inflight, int.MaxValue);

    public bool CanSend => Inflight < Cwnd;

    /// <summary>
    /// circuit_sent_cell_for_sendme: whether the next DATA cell sent will be acknowledged by a SENDME. The caller
    /// records that cell's digest for SENDME v1 authentication when this is true, before <see cref="OnCellSent"/>.
    /// </summary>
    public bool NextCellIsAcknowledged => Inflight != 0 && (Inflight + 1) % SendmeIncrement == 0;

    /// <summary>congestion_control_note_cell_sent: one DATA cell was queued towards the other end.</summary>
    public void OnCellSent(long nowUsec)
    {
        if (NextCellIsAcknowledged) _pending.Enqueue(nowUsec);
        Inflight++;
    }

    /// <summary>
    /// A circuit SENDME arrived (after the caller validated its digest): updates RTT, BDP and cwnd as
    /// congestion_control_vegas_process_sendme, then clamps cwnd to cc_cwnd_max. False for a SENDME acknowledging no
    /// cell we sent: a protocol violation that closes the circuit.
    /// </summary>
    /// <param name="blockedOnChannel">C tor circuit_blocked_on_p_chan: our queue towards the client reached cellq_high
    /// and has not yet drained to cellq_low.</param>
    /// <param name="channelQueueCells">Cells in that queue now (used only while the clock has given no RTT).</param>
    public bool OnSendmeReceived(long nowUsec, bool blockedOnChannel = false, int channelQueueCells = 0)
    {
        if (!_pending.TryDequeue(out long sentUsec)) return false;
        if (NextCcEvent > 0) NextCcEvent--;
        if (NextCwndEvent > 0) NextCwndEvent--;

        long rtt = UpdateRtt(nowUsec, sentUsec);
        if (UpdateBdp(rtt, blockedOnChannel, channelQueueCells)) RunVegas();
        else Inflight -= SendmeIncrement;

        if (Cwnd > _p.CwndMax) Cwnd = _p.CwndMax;
        return true;
    }

    /// <summary>The circuit is closing: feeds C tor's on_circ_close statistics.</summary>
    public void OnCircuitClosed() => _stats?.CircuitClosed(InSlowStart, MaxRttUsec != MinRttUsec, Cwnd);

    /// <summary>congestion_control_update_circuit_rtt: the RTT sample, or 0 if the clock cannot be trusted.</summary>
    internal long UpdateRtt(long nowUsec, long sentUsec)
    {
        // A clock running backwards reads as a stall (C tor's unsigned subtraction would give a huge RTT instead).
        ulong rtt = nowUsec > sentUsec ? (ulong)(nowUsec - sentUsec) : 0;
        if (_clock.StalledOrJumped(!InSlowStart && EwmaRttUsec != 0, (ulong)EwmaRttUsec, rtt))
        {
            ClockStalls++;
            _stats?.ClockStall();
            return 0;
        }
        EwmaRttUsec = (long)Ewma.NCount(rtt, (ulong)EwmaRttUsec, (ulong)EwmaCount());
        if ((long)rtt > MaxRttUsec) MaxRttUsec = (long)rtt;
        if (MinRttUsec == 0)
        {
            MinRttUsec = EwmaRttUsec;
        }
        else if (Cwnd == _p.CwndMin && !InSlowStart)
        {
            // Stuck at cwnd_min, perhaps because of an abnormally low min RTT: raise it to get out of the wedge.
            MinRttUsec = (long)Ewma.PercentMaxMix((ulong)EwmaRttUsec, (ulong)MinRttUsec, _p.RttResetPct);
            RttResets++;
            _stats?.RttReset();
        }
        else if (EwmaRttUsec < MinRttUsec)
        {
            MinRttUsec = EwmaRttUsec;
        }
        return (long)rtt;
    }

    /// <summary>n_ewma_count: RTT samples to average over.</summary>
    private long EwmaCount()
    {
        long n = InSlowStart ? _p.EwmaSs : Math.Min(CwndUpdateRate() * _p.EwmaCwndPct / 100, _p.EwmaMax);
        return Math.Max(n, 2);
    }

    /// <summary>congestion_control_update_circuit_bdp: true if the estimate changed enough to run Vegas.</summary>
    private bool UpdateBdp(long rtt, bool blocked, int chanQ)
    {
        if (EwmaRttUsec == 0)
        {
            // No RTT ever measured (the clock has been stalled): estimate from cwnd, less what is queued if blocked.
            long cwnd = Cwnd;
            if (blocked) cwnd = chanQ >= cwnd ? _p.CwndMin : Math.Max(cwnd - chanQ, _p.CwndMin);
            BlockedOnChannel = blocked;
            Bdp = cwnd;
            return blocked;
        }
        Bdp = (long)((ulong)Cwnd * (ulong)MinRttUsec / (ulong)EwmaRttUsec);
        // Blocking and unblocking are immediate congestion events, still at most one per change.
        if (blocked != BlockedOnChannel)
        {
            BlockedOnChannel = blocked;
            NextCcEvent = 0;
        }
        return blocked || rtt != 0;
    }

    /// <summary>The body of congestion_control_vegas_process_sendme once estimates are fresh.</summary>
    private void RunVegas()
    {
        long queueUse = Bdp > Cwnd ? 0 : Cwnd - Bdp;
        if (Inflight + (long)_p.CwndFullGap * SendmeIncrement >= Cwnd)
        {
            if (!CwndFull) CwndFullCount++;
            CwndFull = true;
        }
        else if (100 * Inflight < (long)_p.CwndFullMinPct * Cwnd)
        {
            CwndFull = false;
        }

        if (InSlowStart) SlowStartUpdate(queueUse);
        else if (NextCcEvent == 0) SteadyStateUpdate(queueUse);

        if (NextCwndEvent == 0) NextCwndEvent = SendmePerCwnd();
        if (NextCcEvent == 0) NextCcEvent = CwndUpdateRate();
        bool resetFull = _p.CwndFullPerCwnd != 0 ? NextCwndEvent == SendmePerCwnd() : NextCcEvent == CwndUpdateRate();
        if (resetFull) CwndFull = false;
        Inflight -= SendmeIncrement;
    }

    private void SlowStartUpdate(long queueUse)
    {
        if (queueUse < _p.VegasGammaExit && !BlockedOnChannel)
        {
            if (CwndFull)
            {
                long inc = SlowStartIncrement();
                Cwnd += inc;
                // Growing slower than steady state would: slow start is over (C tor expects this never to happen).
                if (inc * SendmePerCwnd() <= (long)_p.CwndInc * _p.CwndIncRate)
                {
                    ExitSlowStart();
                    _stats?.BelowSsIncFloorHit();
                    _stats?.SlowStartSignal(blocked: false);
                }
            }
        }
        else
        {
            long old = Cwnd;
            Cwnd = Bdp + _p.VegasGammaExit;
            _stats?.SlowStartSignal(BlockedOnChannel);
            if (!BlockedOnChannel) _stats?.GammaDropped(Math.Max(old - Cwnd, 0));
            ExitSlowStart();
        }
        if (Cwnd >= _p.SsMax)
        {
            Cwnd = _p.SsMax;
            ExitSlowStart();
            _stats?.AboveSsCwndMaxHit();
        }
        _stats?.SlowStartQueueUse(queueUse);
    }

    private void SteadyStateUpdate(long queueUse)
    {
        bool alpha = false, beta = false, delta = false;
        if (queueUse > _p.VegasDeltaExit)
        {
            long old = Cwnd;
            Cwnd = Bdp + _p.VegasDeltaExit - _p.CwndInc;
            _stats?.DeltaHit(Math.Max(old - Cwnd, 0));
            delta = true;
        }
        else if (queueUse > _p.VegasBetaExit || BlockedOnChannel)
        {
            Cwnd -= _p.CwndInc;
            _stats?.BetaSignal(BlockedOnChannel);
            beta = true;
        }
        else if (CwndFull && queueUse < _p.VegasAlphaExit)
        {
            Cwnd += _p.CwndInc;
            alpha = true;
        }
        Cwnd = Math.Max(Cwnd, _p.CwndMin);
        _stats?.SteadyStateUpdate(alpha, beta, delta, queueUse, Bdp);
    }

    private void ExitSlowStart()
    {
        InSlowStart = false;
        SlowStartExits++;
        _stats?.ExitedSlowStart(Cwnd, Bdp, SlowStartIncrement());
    }

    /// <summary>rfc3742_ss_inc: RFC 3742 limited slow start; at least one cell.</summary>
    private long SlowStartIncrement()
    {
        long inc = SendmeIncrement;
        if (Cwnd <= _p.SscapExit) return ((long)_p.CwndIncPctSs * inc + 50) / 100;
        return Math.Max((inc * _p.SscapExit + Cwnd) / (2 * Cwnd), 1);
    }

    /// <summary>CWND_UPDATE_RATE: SENDMEs between cwnd updates (every SENDME in slow start).</summary>
    private long CwndUpdateRate()
    {
        if (InSlowStart) return 1;
        long perUpdate = (long)_p.CwndIncRate * SendmeIncrement;
        return (Cwnd + perUpdate / 2) / perUpdate;
    }

    /// <summary>SENDME_PER_CWND: SENDMEs in one window, rounded.</summary>
    private long SendmePerCwnd() => (Cwnd + SendmeIncrement / 2) / SendmeIncrement;

    /// <summary>Test hook: a cell sent at <paramref name="sentUsec"/> awaits its SENDME (C tor's enqueue_timestamp).</summary>
    internal void EnqueueSendTimestamp(long sentUsec) => _pending.Enqueue(sentUsec);
}
