using System.Buffers;
using TorRelay.Cells;

namespace TorRelay.Cells.Tests;

public class CellFramerTests
{
    private static ReadOnlySequence<byte> Seq(params byte[] b) => new(b);

    [Fact]
    public void ReadsVersionsCellWithTwoByteCircIdBeforeNegotiation()
    {
        // The VERSIONS cell C tor sends first: circ 0, command 7, length 6, versions 3,4,5.
        var buffer = Seq(0x00, 0x00, 0x07, 0x00, 0x06, 0x00, 0x03, 0x00, 0x04, 0x00, 0x05);
        Assert.True(CellFramer.TryRead(ref buffer, 0, out var h, out var payload, out var err));
        Assert.Equal(CellError.None, err);
        Assert.Equal(CellCommand.Versions, h.Command);
        Assert.Equal(6, h.PayloadLength);
        Assert.Equal(new byte[] { 0, 3, 0, 4, 0, 5 }, payload.ToArray());
        Assert.True(buffer.IsEmpty);
    }

    [Fact]
    public void ReadsFixedCellWithFourByteCircIdOnLinkProtocol4()
    {
        var cell = new byte[514];
        cell[0] = 0x80; cell[3] = 0x05; cell[4] = (byte)CellCommand.Destroy; cell[5] = 3;
        var buffer = Seq(cell);
        Assert.True(CellFramer.TryRead(ref buffer, 4, out var h, out var payload, out _));
        Assert.Equal(new CircId(0x80000005), h.CircId);
        Assert.Equal(CellCommand.Destroy, h.Command);
        Assert.Equal(509, payload.Length);
        Assert.Equal(3, payload.FirstSpan[0]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(100)]
    [InlineData(513)]
    public void TruncatedFixedCellIsIncompleteAndConsumesNothing(int length)
    {
        var buffer = Seq(new byte[length]);
        Assert.False(CellFramer.TryRead(ref buffer, 4, out _, out _, out var err));
        Assert.Equal(CellError.Incomplete, err);
        Assert.Equal(length, buffer.Length);
    }

    [Fact]
    public void TruncatedVariableCellIsIncomplete()
    {
        // CERTS (129) claiming 1000 bytes but carrying 10.
        var bytes = new byte[4 + 1 + 2 + 10];
        bytes[4] = 129; bytes[5] = 0x03; bytes[6] = 0xE8;
        var buffer = Seq(bytes);
        Assert.False(CellFramer.TryRead(ref buffer, 4, out _, out _, out var err));
        Assert.Equal(CellError.Incomplete, err);
    }

    [Fact]
    public void ReadsCellSplitAcrossSegments()
    {
        var cell = new byte[514];
        cell[4] = (byte)CellCommand.Padding;
        cell[513] = 0xAB;
        var first = new Segment(cell.AsMemory(0, 200));
        var last = first.Append(cell.AsMemory(200));
        var buffer = new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
        Assert.True(CellFramer.TryRead(ref buffer, 5, out var h, out var payload, out _));
        Assert.Equal(CellCommand.Padding, h.Command);
        Assert.Equal(0xAB, payload.Slice(508, 1).FirstSpan[0]);
    }

    [Fact]
    public void WritesFixedAndVariableCellsThatReadBack()
    {
        var w = new ArrayBufferWriter<byte>();
        CellFramer.WriteFixed(w, 4, new CircId(7), CellCommand.Destroy, [9]);
        CellFramer.WriteVar(w, 4, CircId.None, CellCommand.VPadding, [1, 2, 3]);
        Assert.Equal(514 + 7 + 3, w.WrittenCount);
        var buffer = new ReadOnlySequence<byte>(w.WrittenMemory);
        Assert.True(CellFramer.TryRead(ref buffer, 4, out var a, out var pa, out _));
        Assert.True(CellFramer.TryRead(ref buffer, 4, out var b, out var pb, out _));
        Assert.Equal((new CircId(7), CellCommand.Destroy), (a.CircId, a.Command));
        Assert.Equal(9, pa.FirstSpan[0]);
        Assert.Equal(CellCommand.VPadding, b.Command);
        Assert.Equal(new byte[] { 1, 2, 3 }, pb.ToArray());
    }

    [Fact]
    public void FixedPayloadLongerThan509IsRejected()
    {
        var w = new ArrayBufferWriter<byte>();
        Assert.Throws<ArgumentException>(() => CellFramer.WriteFixed(w, 4, CircId.None, CellCommand.Padding, new byte[510]));
    }

    [Fact]
    public void RandomBytesNeverThrow()
    {
        var rng = new Random(1234);
        for (int i = 0; i < 2000; i++)
        {
            var bytes = new byte[rng.Next(0, 1200)];
            rng.NextBytes(bytes);
            var buffer = Seq(bytes);
            while (CellFramer.TryRead(ref buffer, 4, out _, out _, out _)) { }
        }
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory) => Memory = memory;

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory) { RunningIndex = RunningIndex + Memory.Length };
            Next = next;
            return next;
        }
    }
}
