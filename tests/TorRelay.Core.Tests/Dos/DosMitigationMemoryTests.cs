using System.Net;
using TorRelay.Core.Dos;

namespace TorRelay.Core.Tests.Dos;

/// <summary>Addresses are forgotten once forgetting them changes nothing, so the table cannot grow without bound.</summary>
public class DosMitigationMemoryTests
{
    private static readonly DosOptions Enabled = DosOptions.Default with { CircuitCreationEnabled = true, ConnectionEnabled = true };

    private static IPAddress Address(int i) => new(new byte[] { 10, (byte)(i >> 16), (byte)(i >> 8), (byte)i });

    [Fact]
    public void WithDefensesOff_AnAddressIsDroppedWhenItsLastConnectionCloses()
    {
        var dos = new DosMitigation(DosOptions.Default, new DosTestClock(), FixedRandom.Zero);
        var a = Address(1);
        dos.OnClientConnection(a);
        dos.OnClientConnection(a);

        dos.OnClientConnectionClosed(a);
        Assert.Equal(1, dos.TrackedAddresses);
        dos.OnClientConnectionClosed(a);

        Assert.Equal(0, dos.TrackedAddresses);
    }

    [Fact]
    public void ClosedAddresses_AreSweptOnceTheirBucketsAreFullAgain()
    {
        var clock = new DosTestClock();
        var dos = new DosMitigation(Enabled, clock, FixedRandom.Zero);
        for (int i = 0; i < 1000; i++)
        {
            dos.OnClientConnection(Address(i));
            dos.OnClientConnectionClosed(Address(i));
        }
        // Each spent a connect token, so forgetting it now would hand it a fresh one.
        Assert.Equal(1000, dos.TrackedAddresses);
        Assert.Equal(0, dos.Sweep());

        clock.Advance(1);

        Assert.Equal(1000, dos.Sweep());
        Assert.Equal(0, dos.TrackedAddresses);
    }

    [Fact]
    public void OpenConnectionsAndMarks_KeepAnAddress()
    {
        var clock = new DosTestClock();
        var dos = new DosMitigation(Enabled, clock, FixedRandom.Zero);
        var open = Address(1);
        var marked = Address(2);
        dos.OnClientConnection(open);
        for (int i = 0; i < 3; i++) dos.OnClientConnection(marked);
        for (int i = 0; i < 90; i++) dos.OnCreateCell(marked);
        for (int i = 0; i < 3; i++) dos.OnClientConnectionClosed(marked);

        clock.Advance(3601);
        Assert.Equal(0, dos.Sweep());
        Assert.False(dos.AllowCreate(marked));

        clock.Advance(1);
        Assert.Equal(1, dos.Sweep());
        Assert.Equal(1, dos.TrackedAddresses);
        Assert.True(dos.AllowCreate(marked));
    }

    [Fact]
    public void NewConnections_SweepIdleAddressesEveryMinute()
    {
        var clock = new DosTestClock();
        var dos = new DosMitigation(Enabled, clock, FixedRandom.Zero);
        for (int i = 0; i < 100; i++)
        {
            dos.OnClientConnection(Address(i));
            dos.OnClientConnectionClosed(Address(i));
        }

        clock.Advance((long)DosMitigation.SweepInterval.TotalSeconds);
        dos.OnClientConnection(Address(1000));

        Assert.Equal(1, dos.TrackedAddresses);
    }

    [Fact]
    public void ConcurrentConnectsAndCloses_LeaveNothingBehind()
    {
        var dos = new DosMitigation(DosOptions.Default, new DosTestClock(), FixedRandom.Zero);

        Parallel.For(0, 8, t =>
        {
            for (int i = 0; i < 2000; i++)
            {
                var a = Address(i % 50);
                Assert.True(dos.OnClientConnection(a));
                dos.OnCreateCell(a);
                dos.OnClientConnectionClosed(a);
            }
        });

        Assert.Equal(0, dos.TrackedAddresses);
    }

    [Fact]
    public void CloseWithoutConnection_IsIgnored()
    {
        var dos = new DosMitigation(Enabled with { ConnectionMaxConcurrentCount = 1 }, new DosTestClock(), FixedRandom.Zero);
        var a = Address(1);
        dos.OnClientConnectionClosed(a);
        dos.OnClientConnection(a);
        dos.OnClientConnectionClosed(a);
        dos.OnClientConnectionClosed(a);

        // The count did not go below zero: two connections are needed to exceed the maximum again.
        Assert.True(dos.OnClientConnection(a));
        Assert.True(dos.OnClientConnection(a));
        Assert.False(dos.OnClientConnection(a));
    }
}
