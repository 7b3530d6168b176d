using System.Buffers;
using TorRelay.Core.Tls;

namespace TorRelay.Core.Tests.Tls;

public sealed class CiphertextQueuesTests
{
    [Fact]
    public void AdoptedBuffer_IsReadInPieces_ThenLetGo()
    {
        using var queues = new CiphertextQueues();
        var received = ArrayPool<byte>.Shared.Rent(100);
        for (int i = 0; i < 100; i++) received[i] = (byte)i;
        queues.AdoptInbound(received, 100);

        var header = new byte[5];
        Assert.Equal(5, queues.ReadInbound(header));
        Assert.Equal(new byte[] { 0, 1, 2, 3, 4 }, header);
        var rest = new byte[200];
        Assert.Equal(95, queues.ReadInbound(rest));
        Assert.Equal(99, rest[94]);
        Assert.Equal(0, queues.InboundLength);
        Assert.Equal(0, queues.ReadInbound(rest)); // empty: OpenSSL gets "retry"
    }

    [Fact]
    public void BytesReceivedWhileSomeWait_QueueBehindThem()
    {
        using var queues = new CiphertextQueues();
        var first = ArrayPool<byte>.Shared.Rent(4096);
        first.AsSpan(0, 4096).Fill(1);
        queues.AdoptInbound(first, 4096);
        var partial = new byte[4000];
        queues.ReadInbound(partial);

        // More than the adopted buffer has room for: the 96 waiting bytes move to a larger one, in order.
        var second = ArrayPool<byte>.Shared.Rent(8192);
        second.AsSpan(0, 8192).Fill(2);
        queues.AdoptInbound(second, 8192);
        Assert.Equal(96 + 8192, queues.InboundLength);
        var all = new byte[96 + 8192];
        Assert.Equal(all.Length, queues.ReadInbound(all));
        Assert.All(all[..96], b => Assert.Equal(1, b));
        Assert.All(all[96..], b => Assert.Equal(2, b));
    }

    [Fact]
    public void OutboundRecords_AreHandedOverTogether_AndTheQueueStartsEmpty()
    {
        using var queues = new CiphertextQueues();
        queues.ReserveOutbound(100);
        queues.AppendOutbound([1, 2, 3]);
        queues.AppendOutbound(new byte[70_000]); // beyond the reservation: grows, keeping what was there
        queues.AppendOutbound([9]);

        var taken = queues.TakeOutbound(out int length);
        Assert.NotNull(taken);
        Assert.Equal(70_004, length);
        Assert.Equal(new byte[] { 1, 2, 3 }, taken![..3]);
        Assert.Equal(9, taken[70_003]);
        ArrayPool<byte>.Shared.Return(taken);

        Assert.Equal(0, queues.OutboundLength);
        Assert.Null(queues.TakeOutbound(out length));
        queues.ReserveOutbound(10); // a reservation alone is nothing to send
        Assert.Null(queues.TakeOutbound(out length));
        Assert.Equal(0, length);
    }
}
