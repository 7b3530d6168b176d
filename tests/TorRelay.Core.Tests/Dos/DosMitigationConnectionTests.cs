using System.Net;
using TorRelay.Core.Dos;

namespace TorRelay.Core.Tests.Dos;

/// <summary>The connection defenses, after C tor's test_dos.c "conn_creation", "conn_rate" and "known_relay".</summary>
public class DosMitigationConnectionTests
{
    private static readonly IPAddress Client = IPAddress.Parse("18.0.0.1");

    private static readonly DosOptions Enabled = DosOptions.Default with { CircuitCreationEnabled = true, ConnectionEnabled = true };

    [Fact]
    public void ConcurrentConnections_AboveMaxCount_AreClosedUntilOneCloses()
    {
        var clock = new DosTestClock();
        var dos = new DosMitigation(Enabled, clock, FixedRandom.Zero);

        // 100 connections, one a second so the connect rate never triggers.
        for (int i = 0; i < 100; i++)
        {
            clock.Advance(1);
            Assert.True(dos.OnClientConnection(Client));
        }
        // C tor refuses only once the count already exceeds the maximum: the 101st still gets in.
        Assert.True(dos.OnClientConnection(Client));
        Assert.False(dos.OnClientConnection(Client));

        dos.OnClientConnectionClosed(Client);
        Assert.True(dos.OnClientConnection(Client));
        Assert.False(dos.OnClientConnection(Client));

        Assert.Equal(2, dos.Stats.ConcurrentConnRejected);
        Assert.Equal(0, dos.Stats.ConnRejected);
    }

    [Fact]
    public void ConnectBurst_MarksAddress_ForTheDefensePeriodPlusARandomPart()
    {
        var clock = new DosTestClock();
        var dos = new DosMitigation(Enabled, clock, FixedRandom.Zero);

        // The 40th connection (the burst) takes the last token and marks the address; it is itself accepted.
        for (int i = 0; i < 40; i++) Assert.True(dos.OnClientConnection(Client));
        Assert.False(dos.OnClientConnection(Client));

        clock.Advance(12 * 3600);
        Assert.False(dos.OnClientConnection(Client));
        // Marked until now + 24 h + crypto_rand_int_range(1, 12 h): 1 s with zero randomness.
        clock.Advance(12 * 3600);
        Assert.False(dos.OnClientConnection(Client));
        clock.Advance(1);
        Assert.False(dos.OnClientConnection(Client));
        clock.Advance(1);
        Assert.True(dos.OnClientConnection(Client));

        Assert.Equal(4, dos.Stats.ConnRejected);
    }

    [Fact]
    public void ConnectMark_LastsAtMostHalfAPeriodLonger()
    {
        var clock = new DosTestClock();
        // Draws 43198 of [0, 43199): the largest offset crypto_rand_int_range(1, 43200) can give.
        var dos = new DosMitigation(Enabled, clock, new FixedRandom(43198));
        for (int i = 0; i < 40; i++) dos.OnClientConnection(Client);

        clock.Advance(86400 + 43199);
        Assert.False(dos.OnClientConnection(Client));
        clock.Advance(1);
        Assert.True(dos.OnClientConnection(Client));
    }

    [Fact]
    public void ConnectBucket_RefillsAtTheConnectRate()
    {
        var clock = new DosTestClock();
        var dos = new DosMitigation(Enabled, clock, FixedRandom.Zero);
        for (int i = 0; i < 39; i++) Assert.True(dos.OnClientConnection(Client));

        clock.Advance(1); // +20 tokens: 21 left
        for (int i = 0; i < 20; i++) Assert.True(dos.OnClientConnection(Client));
        Assert.True(dos.OnClientConnection(Client)); // takes the last token
        Assert.False(dos.OnClientConnection(Client));
    }

    [Fact]
    public void DefenseTypeNone_CountsButAcceptsEverything()
    {
        var options = Enabled with { ConnectionDefenseType = DosConnectionDefenseType.None, ConnectionMaxConcurrentCount = 1 };
        var dos = new DosMitigation(options, new DosTestClock(), FixedRandom.Zero);

        for (int i = 0; i < 50; i++) Assert.True(dos.OnClientConnection(Client));

        // Once marked by the connect rate, the marked check answers first.
        Assert.Equal(38, dos.Stats.ConcurrentConnRejected);
        Assert.Equal(10, dos.Stats.ConnRejected);
    }

    [Fact]
    public void ConnectionDefenseDisabled_AcceptsEverything()
    {
        var dos = new DosMitigation(DosOptions.Default with { CircuitCreationEnabled = true }, new DosTestClock(), FixedRandom.Zero);

        for (int i = 0; i < 500; i++) Assert.True(dos.OnClientConnection(Client));

        Assert.Equal(default, dos.Stats);
    }

    [Fact]
    public void RelayAddresses_AreCountedLikeClients()
    {
        // test_dos.c "known_relay": since 0.4.8.4 a known relay's connections count too (re-entry is refused).
        var options = Enabled with { ConnectionMaxConcurrentCount = 4 };
        var dos = new DosMitigation(options, new DosTestClock(), FixedRandom.Zero);
        var relay = IPAddress.Parse("42.42.42.42");

        for (int i = 0; i < 5; i++) Assert.True(dos.OnClientConnection(relay));

        Assert.False(dos.OnClientConnection(relay));
    }

    [Fact]
    public void Addresses_AreKeyedByFullAddress()
    {
        var options = Enabled with { ConnectionMaxConcurrentCount = 1 };
        var dos = new DosMitigation(options, new DosTestClock(), FixedRandom.Zero);

        foreach (var a in new[] { "2001:db8::1", "2001:db8::2", "18.0.0.2" })
        {
            Assert.True(dos.OnClientConnection(IPAddress.Parse(a)));
            Assert.True(dos.OnClientConnection(IPAddress.Parse(a)));
        }
        // Same /64 is not the same address, but an IPv4-mapped address is its IPv4 address.
        Assert.False(dos.OnClientConnection(IPAddress.Parse("2001:db8::1")));
        Assert.False(dos.OnClientConnection(IPAddress.Parse("::ffff:18.0.0.2")));
        Assert.True(dos.OnClientConnection(IPAddress.Parse("2001:db8::3")));
        Assert.Equal(4, dos.TrackedAddresses);
    }
}
