using TorRelay.Core.Circuits.Congestion;

namespace TorRelay.Core.Tests.Circuits.Congestion;

/// <summary>Defaults and bounds from C tor 0.4.9 congestion_control_common.c, _vegas.c and _flow.c.</summary>
public class CongestionControlParamsTests
{
    [Fact]
    public void An_empty_consensus_gives_ctor_defaults()
    {
        var p = CongestionControlParams.FromConsensus(new Dictionary<string, int>());
        Assert.Equal(CongestionControlParams.Default, p);
        Assert.Equal((2, 31, 124, 124, int.MaxValue), (p.CcAlg, p.SendmeInc, p.CwndInit, p.CwndMin, p.CwndMax));
        // Exit path: 3, 4, 3 and 5 outbufs of 2·31 cells.
        Assert.Equal((186, 248, 186, 310, 600, 5000), (p.VegasAlphaExit, p.VegasBetaExit, p.VegasGammaExit, p.VegasDeltaExit, p.SscapExit, p.SsMax));
        Assert.Equal((1, 100, 31), (p.CwndInc, p.CwndIncPctSs, p.CwndIncRate));
        Assert.Equal((4, 25, 1), (p.CwndFullGap, p.CwndFullMinPct, p.CwndFullPerCwnd));
        Assert.Equal((50, 10, 2, 100), (p.EwmaCwndPct, p.EwmaMax, p.EwmaSs, p.RttResetPct));
        Assert.Equal((249_000L, 249_000L, 25, 2), (p.XoffExitBytes, p.XonRateBytes, p.XonChangePct, p.XonEwmaCnt));
        Assert.Equal((256, 10, 32768, 16384), (p.CellQueueHigh, p.CellQueueLow, p.OrConnHigh, p.OrConnLow));
        Assert.True(p.Enabled);
    }

    [Theory]
    [InlineData("cc_sendme_inc", 0, 1)]
    [InlineData("cc_sendme_inc", 300, 254)]
    [InlineData("cc_cwnd_min", 10, 31)]
    [InlineData("cc_cwnd_init", 20000, 10000)]
    [InlineData("cc_cwnd_max", 100, 500)]
    [InlineData("cc_ss_max", 0, 500)]
    [InlineData("cc_sscap_exit", 50, 100)]
    [InlineData("cc_vegas_gamma_exit", 2000, 1000)]
    [InlineData("cc_cwnd_full_per_cwnd", 5, 1)]
    [InlineData("cc_xoff_exit", 20000, 10000)]
    [InlineData("cc_xon_ewma_cnt", 1, 2)]
    [InlineData("cc_xon_change_pct", 100, 99)]
    [InlineData("cellq_high", 5000, 1000)]
    public void Values_are_clamped_to_ctor_bounds(string name, int value, int expected)
    {
        var p = CongestionControlParams.FromConsensus(new Dictionary<string, int> { [name] = value });
        int actual = name switch
        {
            "cc_sendme_inc" => p.SendmeInc,
            "cc_cwnd_min" => p.CwndMin,
            "cc_cwnd_init" => p.CwndInit,
            "cc_cwnd_max" => p.CwndMax,
            "cc_ss_max" => p.SsMax,
            "cc_sscap_exit" => p.SscapExit,
            "cc_vegas_gamma_exit" => p.VegasGammaExit,
            "cc_cwnd_full_per_cwnd" => p.CwndFullPerCwnd,
            "cc_xoff_exit" => p.XoffExit,
            "cc_xon_ewma_cnt" => p.XonEwmaCnt,
            "cc_xon_change_pct" => p.XonChangePct,
            _ => p.CellQueueHigh,
        };
        Assert.Equal(expected, actual);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 2)] // Westwood and NOLA are gone: C tor falls back to Vegas
    [InlineData(2, 2)]
    [InlineData(3, 2)]
    [InlineData(9, 2)]
    public void Unsupported_algorithms_fall_back_to_vegas(int value, int expected)
    {
        var p = CongestionControlParams.FromConsensus(new Dictionary<string, int> { ["cc_alg"] = value });
        Assert.Equal(expected, p.CcAlg);
        Assert.Equal(expected != 0, p.Enabled);
    }
}
