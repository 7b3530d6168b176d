using System.Net;
using TorRelay.Core.Dos;

namespace TorRelay.Core.Tests.Dos;

/// <summary>The circuit-creation defense, after C tor's test_dos.c "circuit_creation".</summary>
public class DosMitigationCircuitTests
{
    private static readonly IPAddress Client = IPAddress.Parse("18.0.0.1");

    private static readonly DosOptions Enabled = DosOptions.Default with { CircuitCreationEnabled = true, ConnectionEnabled = true };

    private static DosMitigation WithConnections(DosOptions options, DosTestClock clock, int connections)
    {
        var dos = new DosMitigation(options, clock, FixedRandom.Zero);
        for (int i = 0; i < connections; i++) Assert.True(dos.OnClientConnection(Client));
        return dos;
    }

    /// <summary>What CircuitSwitch does with a CREATE from a client channel.</summary>
    private static bool Create(DosMitigation dos)
    {
        dos.OnCreateCell(Client);
        return dos.AllowCreate(Client);
    }

    [Fact]
    public void CreateBurst_WithMinConnections_MarksAddressAndRefusesCells()
    {
        var dos = WithConnections(Enabled, new DosTestClock(), 3);

        for (int i = 0; i < 89; i++) Assert.True(Create(dos));
        Assert.False(Create(dos));
        Assert.False(Create(dos));

        var stats = dos.Stats;
        Assert.Equal(2, stats.CircuitRejected);
        Assert.Equal(1, stats.MarkedAddress);
    }

    [Fact]
    public void BelowMinConnections_TheAddressIsNeverMarked()
    {
        var dos = WithConnections(Enabled, new DosTestClock(), 2);

        for (int i = 0; i < 1000; i++) Assert.True(Create(dos));

        Assert.Equal(0, dos.Stats.MarkedAddress);
    }

    [Fact]
    public void ReachingMinConnections_WithAnEmptyBucket_MarksOnTheNextCreate()
    {
        var dos = WithConnections(Enabled, new DosTestClock(), 2);
        for (int i = 0; i < 100; i++) Assert.True(Create(dos));

        Assert.True(dos.OnClientConnection(Client));

        Assert.False(Create(dos));
    }

    [Fact]
    public void Bucket_RefillsAtTheCircuitRate()
    {
        var clock = new DosTestClock();
        var dos = WithConnections(Enabled, clock, 3);
        for (int i = 0; i < 89; i++) Assert.True(Create(dos));

        clock.Advance(2); // +6
        for (int i = 0; i < 6; i++) Assert.True(Create(dos));

        Assert.False(Create(dos));
    }

    [Fact]
    public void Mark_ExpiresAfterTheDefensePeriodPlusTheRandomPart()
    {
        var clock = new DosTestClock();
        var dos = WithConnections(Enabled, clock, 3);
        for (int i = 0; i < 90; i++) Create(dos);
        Assert.False(dos.AllowCreate(Client));

        // Marked until now + 1 h + crypto_rand_int_range(1, 30 min): 1 s with zero randomness.
        clock.Advance(3601);
        Assert.False(dos.AllowCreate(Client));
        clock.Advance(1);
        Assert.True(dos.AllowCreate(Client));
        Assert.True(Create(dos));
    }

    [Fact]
    public void KeepingOnWhileMarked_ExtendsTheMark_ButCountsTheAddressOnce()
    {
        var clock = new DosTestClock();
        var dos = WithConnections(Enabled, clock, 3);
        for (int i = 0; i < 90; i++) Create(dos);

        clock.Advance(3000);
        for (int i = 0; i < 90; i++) Create(dos); // the refilled bucket empties again
        clock.Advance(3000);

        Assert.False(dos.AllowCreate(Client));
        Assert.Equal(1, dos.Stats.MarkedAddress);
    }

    [Fact]
    public void DefenseTypeNone_CountsRejectionsButAllows()
    {
        var dos = WithConnections(Enabled with { CircuitCreationDefenseType = DosCircuitDefenseType.None }, new DosTestClock(), 3);

        for (int i = 0; i < 100; i++) Assert.True(Create(dos));

        Assert.Equal(11, dos.Stats.CircuitRejected);
        Assert.Equal(1, dos.Stats.MarkedAddress);
    }

    [Fact]
    public void Disabled_AllowsEveryCreate()
    {
        var dos = WithConnections(DosOptions.Default with { ConnectionEnabled = true }, new DosTestClock(), 3);

        for (int i = 0; i < 1000; i++) Assert.True(Create(dos));

        Assert.Equal(default, dos.Stats);
    }

    [Fact]
    public void EnablingAtRuntime_UsesTheConnectionsAlreadyOpen()
    {
        var dos = WithConnections(DosOptions.Default, new DosTestClock(), 3);
        dos.Options = Enabled;

        for (int i = 0; i < 89; i++) Assert.True(Create(dos));

        Assert.False(Create(dos));
    }

    [Fact]
    public void UnknownAddress_IsNotTracked()
    {
        var dos = new DosMitigation(Enabled, new DosTestClock(), FixedRandom.Zero);

        for (int i = 0; i < 200; i++) Assert.True(Create(dos));

        Assert.Equal(0, dos.TrackedAddresses);
    }

    [Fact]
    public void MaxOutqHits_MarkTheAddress()
    {
        var dos = WithConnections(Enabled, new DosTestClock(), 1);

        dos.NoteCircMaxOutq(Client);
        dos.NoteCircMaxOutq(Client);
        Assert.True(dos.AllowCreate(Client));
        dos.NoteCircMaxOutq(Client);

        Assert.False(dos.AllowCreate(Client));
        Assert.Equal(1, dos.Stats.MarkedAddressMaxq);
        Assert.Equal(0, dos.Stats.MarkedAddress);
    }

    [Fact]
    public void KilledCircuitCounters_Accumulate()
    {
        var dos = new DosMitigation(DosOptions.Default, new DosTestClock(), FixedRandom.Zero);

        dos.NoteCircuitKilledMaxCell();
        dos.NoteCircuitKilledMaxCell();
        dos.NoteCircuitKilledMaxCellOutq();

        Assert.Equal(2, dos.Stats.CircuitKilledMaxCell);
        Assert.Equal(1, dos.Stats.CircuitKilledMaxCellOutq);
    }
}
