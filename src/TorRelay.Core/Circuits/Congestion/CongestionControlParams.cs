namespace TorRelay.Core.Circuits.Congestion;

/// <summary>
/// The consensus parameters C tor 0.4.9 reads for congestion control (proposal 324 §6.5) on circuits that end at a
/// relay (CC_PATH_EXIT: every CREATE2 answered with CC, whether or not we are an exit), with C tor's names, defaults and
/// bounds (congestion_control_common.c, congestion_control_vegas.c, congestion_control_flow.c). Byte limits are in
/// cells as in the consensus; the *Bytes properties multiply by RELAY_PAYLOAD_SIZE as C tor does.
/// </summary>
public sealed record CongestionControlParams
{
    /// <summary>RELAY_PAYLOAD_SIZE: the unit of the XON/XOFF byte limits.</summary>
    public const int RelayPayloadSize = 498;

    /// <summary>TLS_RECORD_MAX_CELLS: whole 514-byte cells in a 16 KiB TLS record (31).</summary>
    public const int TlsRecordMaxCells = 16 * 1024 / 514;

    private const int OutbufCells = 2 * TlsRecordMaxCells;
    private const int CircWindowInit = 4 * TlsRecordMaxCells;

    /// <summary>C tor's defaults: what a relay uses with no consensus.</summary>
    public static CongestionControlParams Default { get; } = new();

    /// <summary>cc_alg: 0 = fixed SENDME windows (CC off), 2 = Vegas. C tor replaces 1 and 3 by 2.</summary>
    public int CcAlg { get; init; } = 2;
    /// <summary>cc_sendme_inc: cells acknowledged by each circuit SENDME; what we offer in the ntor-v3 reply.</summary>
    public int SendmeInc { get; init; } = TlsRecordMaxCells;
    public int CwndInit { get; init; } = CircWindowInit;
    public int CwndMin { get; init; } = CircWindowInit;
    public int CwndMax { get; init; } = int.MaxValue;
    /// <summary>cc_cwnd_inc: cells added or removed per steady-state update.</summary>
    public int CwndInc { get; init; } = 1;
    /// <summary>cc_cwnd_inc_pct_ss: slow-start increment per SENDME, in percent of sendme_inc (below the cap).</summary>
    public int CwndIncPctSs { get; init; } = 100;
    /// <summary>cc_cwnd_inc_rate: steady-state cwnd updates per congestion window.</summary>
    public int CwndIncRate { get; init; } = TlsRecordMaxCells;
    /// <summary>cc_bwe_min: read by C tor but unused by Vegas in 0.4.9.</summary>
    public int BweMin { get; init; } = 5;
    public int EwmaCwndPct { get; init; } = 50;
    public int EwmaMax { get; init; } = 10;
    public int EwmaSs { get; init; } = 2;
    /// <summary>cc_rtt_reset_pct: weight of the current RTT when min RTT is reset at cwnd_min.</summary>
    public int RttResetPct { get; init; } = 100;

    public int VegasAlphaExit { get; init; } = 3 * OutbufCells;
    public int VegasBetaExit { get; init; } = 4 * OutbufCells;
    public int VegasGammaExit { get; init; } = 3 * OutbufCells;
    public int VegasDeltaExit { get; init; } = 5 * OutbufCells;
    /// <summary>cc_sscap_exit: the RFC 3742 limited-slow-start cap.</summary>
    public int SscapExit { get; init; } = 600;
    /// <summary>cc_ss_max: slow start ends at this cwnd.</summary>
    public int SsMax { get; init; } = 5000;
    public int CwndFullGap { get; init; } = 4;
    public int CwndFullMinPct { get; init; } = 25;
    public int CwndFullPerCwnd { get; init; } = 1;

    /// <summary>cc_xoff_client (cells): XOFF limit for client and onion-service streams.</summary>
    public int XoffClient { get; init; } = 500;
    /// <summary>cc_xoff_exit (cells): an exit stream sends XOFF once more than this is queued towards its destination.</summary>
    public int XoffExit { get; init; } = 500;
    public int XonChangePct { get; init; } = 25;
    /// <summary>cc_xon_rate (cells): bytes drained between drain-rate updates.</summary>
    public int XonRate { get; init; } = 500;
    public int XonEwmaCnt { get; init; } = 2;

    /// <summary>cellq_high / cellq_low: circuit queue lengths that block and unblock its streams (and signal Vegas).</summary>
    public int CellQueueHigh { get; init; } = 256;
    public int CellQueueLow { get; init; } = 10;
    /// <summary>orconn_high / orconn_low: channel outbuf bytes to stop and resume writing.</summary>
    public int OrConnHigh { get; init; } = 32 * 1024;
    public int OrConnLow { get; init; } = 16 * 1024;

    /// <summary>congestion_control_enabled(): whether we agree to CC when a client asks for it.</summary>
    public bool Enabled => CcAlg != 0;
    public long XoffExitBytes => (long)XoffExit * RelayPayloadSize;
    public long XoffClientBytes => (long)XoffClient * RelayPayloadSize;
    public long XonRateBytes => (long)XonRate * RelayPayloadSize;

    /// <summary>Reads every parameter, clamping each to C tor's bounds as networkstatus_get_param does.</summary>
    public static CongestionControlParams FromConsensus(IReadOnlyDictionary<string, int> p)
    {
        var d = Default;
        int alg = Get(p, "cc_alg", d.CcAlg, 0, 3);
        return new CongestionControlParams
        {
            CcAlg = alg is 0 or 2 ? alg : d.CcAlg,
            SendmeInc = Get(p, "cc_sendme_inc", d.SendmeInc, 1, 254),
            CwndInit = Get(p, "cc_cwnd_init", d.CwndInit, TlsRecordMaxCells, 10000),
            CwndMin = Get(p, "cc_cwnd_min", d.CwndMin, TlsRecordMaxCells, 1000),
            CwndMax = Get(p, "cc_cwnd_max", d.CwndMax, 500, int.MaxValue),
            CwndInc = Get(p, "cc_cwnd_inc", d.CwndInc, 1, 1000),
            CwndIncPctSs = Get(p, "cc_cwnd_inc_pct_ss", d.CwndIncPctSs, 1, 500),
            CwndIncRate = Get(p, "cc_cwnd_inc_rate", d.CwndIncRate, 1, 250),
            BweMin = Get(p, "cc_bwe_min", d.BweMin, 2, 20),
            EwmaCwndPct = Get(p, "cc_ewma_cwnd_pct", d.EwmaCwndPct, 1, 255),
            EwmaMax = Get(p, "cc_ewma_max", d.EwmaMax, 2, int.MaxValue),
            EwmaSs = Get(p, "cc_ewma_ss", d.EwmaSs, 2, int.MaxValue),
            RttResetPct = Get(p, "cc_rtt_reset_pct", d.RttResetPct, 0, 100),
            VegasAlphaExit = Get(p, "cc_vegas_alpha_exit", d.VegasAlphaExit, 0, 1000),
            VegasBetaExit = Get(p, "cc_vegas_beta_exit", d.VegasBetaExit, 0, 1000),
            VegasGammaExit = Get(p, "cc_vegas_gamma_exit", d.VegasGammaExit, 0, 1000),
            VegasDeltaExit = Get(p, "cc_vegas_delta_exit", d.VegasDeltaExit, 0, int.MaxValue),
            SscapExit = Get(p, "cc_sscap_exit", d.SscapExit, 100, int.MaxValue),
            SsMax = Get(p, "cc_ss_max", d.SsMax, 500, int.MaxValue),
            CwndFullGap = Get(p, "cc_cwnd_full_gap", d.CwndFullGap, 0, short.MaxValue),
            CwndFullMinPct = Get(p, "cc_cwnd_full_minpct", d.CwndFullMinPct, 0, 100),
            CwndFullPerCwnd = Get(p, "cc_cwnd_full_per_cwnd", d.CwndFullPerCwnd, 0, 1),
            XoffClient = Get(p, "cc_xoff_client", d.XoffClient, 1, 10000),
            XoffExit = Get(p, "cc_xoff_exit", d.XoffExit, 1, 10000),
            XonChangePct = Get(p, "cc_xon_change_pct", d.XonChangePct, 1, 99),
            XonRate = Get(p, "cc_xon_rate", d.XonRate, 1, 5000),
            XonEwmaCnt = Get(p, "cc_xon_ewma_cnt", d.XonEwmaCnt, 2, 100),
            CellQueueHigh = Get(p, "cellq_high", d.CellQueueHigh, 1, 1000),
            CellQueueLow = Get(p, "cellq_low", d.CellQueueLow, 1, 1000),
            OrConnHigh = Get(p, "orconn_high", d.OrConnHigh, 509, int.MaxValue),
            OrConnLow = Get(p, "orconn_low", d.OrConnLow, 509, int.MaxValue),
        };
    }

    private static int Get(IReadOnlyDictionary<string, int> p, string name, int defaultValue, int min, int max) =>
        p.TryGetValue(name, out int v) ? Math.Clamp(v, min, max) : defaultValue;
}
