using TorRelay.Core.Dos;

namespace TorRelay.Core.Tests.Dos;

public class DosOptionsTests
{
    [Fact]
    public void WithoutConsensusOrTorrc_UsesCTorCodeDefaults()
    {
        var o = DosOptions.FromConsensus(null);

        Assert.Equal(DosOptions.Default, o);
        // dos.h: both mitigations off in the code; the live consensus turns them on.
        Assert.False(o.CircuitCreationEnabled);
        Assert.False(o.ConnectionEnabled);
        Assert.False(o.Enabled);
        Assert.Equal(3, o.CircuitCreationMinConnections);
        Assert.Equal(3, o.CircuitCreationRate);
        Assert.Equal(90, o.CircuitCreationBurst);
        Assert.Equal(DosCircuitDefenseType.RefuseCell, o.CircuitCreationDefenseType);
        Assert.Equal(TimeSpan.FromHours(1), o.CircuitCreationDefenseTimePeriod);
        Assert.Equal(100, o.ConnectionMaxConcurrentCount);
        Assert.Equal(DosConnectionDefenseType.Close, o.ConnectionDefenseType);
        Assert.Equal(20, o.ConnectionConnectRate);
        Assert.Equal(40, o.ConnectionConnectBurst);
        Assert.Equal(TimeSpan.FromHours(24), o.ConnectionConnectDefenseTimePeriod);
        Assert.Equal(3, o.NumCircMaxOutq);
        Assert.False(o.RefuseSingleHopClientRendezvous);
    }

    [Fact]
    public void ConsensusParams_AreReadByCTorNames()
    {
        var o = DosOptions.FromConsensus(new Dictionary<string, int>
        {
            ["DoSCircuitCreationEnabled"] = 1,
            ["DoSCircuitCreationMinConnections"] = 5,
            ["DoSCircuitCreationRate"] = 7,
            ["DoSCircuitCreationBurst"] = 200,
            ["DoSCircuitCreationDefenseType"] = 1,
            ["DoSCircuitCreationDefenseTimePeriod"] = 120,
            ["DoSConnectionEnabled"] = 1,
            ["DoSConnectionMaxConcurrentCount"] = 50,
            ["DoSConnectionDefenseType"] = 1,
            ["DoSConnectionConnectRate"] = 2,
            ["DoSConnectionConnectBurst"] = 4,
            ["DoSConnectionConnectDefenseTimePeriod"] = 600,
            ["dos_num_circ_max_outq"] = 0,
            ["DoSRefuseSingleHopClientRendezvous"] = 1,
        });

        Assert.Equal(new DosOptions
        {
            CircuitCreationEnabled = true,
            CircuitCreationMinConnections = 5,
            CircuitCreationRate = 7,
            CircuitCreationBurst = 200,
            CircuitCreationDefenseType = DosCircuitDefenseType.None,
            CircuitCreationDefenseTimePeriod = TimeSpan.FromSeconds(120),
            ConnectionEnabled = true,
            ConnectionMaxConcurrentCount = 50,
            ConnectionDefenseType = DosConnectionDefenseType.None,
            ConnectionConnectRate = 2,
            ConnectionConnectBurst = 4,
            ConnectionConnectDefenseTimePeriod = TimeSpan.FromSeconds(600),
            NumCircMaxOutq = 0,
            RefuseSingleHopClientRendezvous = true,
        }, o);
    }

    [Fact]
    public void ConsensusParams_AreClampedToCTorBounds()
    {
        var o = DosOptions.FromConsensus(new Dictionary<string, int>
        {
            ["DoSCircuitCreationEnabled"] = 5,
            ["DoSCircuitCreationMinConnections"] = 0,
            ["DoSCircuitCreationRate"] = -4,
            ["DoSCircuitCreationBurst"] = 0,
            ["DoSCircuitCreationDefenseType"] = 9,
            ["DoSCircuitCreationDefenseTimePeriod"] = -1,
            ["DoSConnectionDefenseType"] = 0,
            ["DoSConnectionConnectDefenseTimePeriod"] = 3,
            ["dos_num_circ_max_outq"] = -2,
        });

        Assert.Equal(DosOptions.Default with
        {
            CircuitCreationEnabled = true,
            CircuitCreationMinConnections = 1,
            CircuitCreationRate = 1,
            CircuitCreationBurst = 1,
            CircuitCreationDefenseType = DosCircuitDefenseType.RefuseCell,
            CircuitCreationDefenseTimePeriod = TimeSpan.Zero,
            ConnectionDefenseType = DosConnectionDefenseType.None,
            // DOS_CONN_CONNECT_DEFENSE_TIME_PERIOD_MIN.
            ConnectionConnectDefenseTimePeriod = TimeSpan.FromSeconds(10),
            NumCircMaxOutq = 0,
        }, o);
    }

    [Fact]
    public void TorrcValues_WinOverConsensus()
    {
        var consensus = new Dictionary<string, int>
        {
            ["DoSCircuitCreationEnabled"] = 1,
            ["DoSConnectionEnabled"] = 0,
            ["DoSCircuitCreationBurst"] = 200,
            ["DoSConnectionConnectDefenseTimePeriod"] = 600,
        };
        var torrc = new DosTorrcOptions
        {
            CircuitCreationEnabled = false,
            ConnectionEnabled = true,
            CircuitCreationBurst = 10,
            ConnectionConnectDefenseTimePeriod = TimeSpan.FromMinutes(2),
        };

        var o = DosOptions.FromConsensus(consensus, torrc);

        Assert.False(o.CircuitCreationEnabled);
        Assert.True(o.ConnectionEnabled);
        Assert.Equal(10, o.CircuitCreationBurst);
        Assert.Equal(TimeSpan.FromMinutes(2), o.ConnectionConnectDefenseTimePeriod);
    }

    [Fact]
    public void TorrcZeroAndAuto_FallBackToConsensus()
    {
        var consensus = new Dictionary<string, int>
        {
            ["DoSCircuitCreationEnabled"] = 1,
            ["DoSCircuitCreationBurst"] = 200,
            ["DoSCircuitCreationDefenseTimePeriod"] = 60,
        };
        var torrc = new DosTorrcOptions { CircuitCreationEnabled = null, CircuitCreationBurst = 0 };

        var o = DosOptions.FromConsensus(consensus, torrc);

        Assert.True(o.CircuitCreationEnabled);
        Assert.Equal(200, o.CircuitCreationBurst);
        Assert.Equal(TimeSpan.FromMinutes(1), o.CircuitCreationDefenseTimePeriod);
    }
}
