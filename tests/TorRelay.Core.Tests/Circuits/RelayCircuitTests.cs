using TorRelay.Cells;
using TorRelay.Core.Circuits;
using TorRelay.Crypto.Relay;

namespace TorRelay.Core.Tests.Circuits;

public class RelayCircuitTests
{
    [Fact]
    public void A_circuit_without_streams_costs_little_memory_beyond_its_crypto()
    {
        // A relay holds every circuit built through it, and a flood of CREATE_FAST cells leaves hundreds of thousands
        // open: their size is what that flood costs in memory, page faults and collections. The stream table, the
        // SENDME digest queue and the backward gate used to be made with every circuit (1,688 bytes), though only a
        // circuit's last hop ever needs them.
        var crypto = NewCrypto();
        _ = new RelayCircuit(null!, new CircId(1), crypto); // warm: the first construction may allocate statics

        long before = GC.GetAllocatedBytesForCurrentThread();
        var circuit = new RelayCircuit(null!, new CircId(2), crypto);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(allocated <= 512, $"a circuit allocated {allocated} bytes");
        GC.KeepAlive(circuit);
    }

    [Fact]
    public void Stream_lookups_on_a_circuit_that_never_had_streams_find_nothing()
    {
        var circuit = new RelayCircuit(null!, new CircId(1), NewCrypto());

        Assert.False(circuit.TryGetStream(1, out _));
        Assert.False(circuit.HasStream(1));
        Assert.False(circuit.TryRemoveStream(1, out _));
        Assert.Empty(circuit.RemoveAllStreams());
        Assert.False(circuit.TryTakeExpectedSendmeDigest(out _));
    }

    [Fact]
    public void Expected_sendme_digests_come_back_oldest_first()
    {
        var circuit = new RelayCircuit(null!, new CircId(1), NewCrypto());
        circuit.ExpectSendmeDigest([1]);
        circuit.ExpectSendmeDigest([2]);

        Assert.True(circuit.TryTakeExpectedSendmeDigest(out var first));
        Assert.True(circuit.TryTakeExpectedSendmeDigest(out var second));
        Assert.Equal([1], first);
        Assert.Equal([2], second);
        Assert.False(circuit.TryTakeExpectedSendmeDigest(out _));
    }

    private static RelayCryptoLayer NewCrypto() => new(new byte[RelayCryptoLayer.KeyMaterialLength]);
}
