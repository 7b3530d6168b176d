using TorRelay.Cells.Link;

namespace TorRelay.Cells.Tests.Link;

public class PaddingNegotiateCellTests
{
    // trunnel's layout (u8 version, u8 command, u16 ito_low_ms, u16 ito_high_ms, big-endian): a START with the
    // nf_ito_*_reduced defaults, the all-zero STOP C tor clients send, and a START with the nf_ito_* defaults.
    [Theory]
    [InlineData("0002232836B0", PaddingNegotiateCommand.Start, 9000, 14000)]
    [InlineData("000100000000", PaddingNegotiateCommand.Stop, 0, 0)]
    [InlineData("000205DC251C", PaddingNegotiateCommand.Start, 1500, 9500)]
    public void EncodesAndDecodesTrunnelLayout(string hex, PaddingNegotiateCommand command, int low, int high)
    {
        var cell = new PaddingNegotiateCell(command, (ushort)low, (ushort)high);
        var payload = new byte[LinkVersion.PayloadLength];
        Assert.Equal(6, cell.EncodeTo(payload));
        Assert.Equal(hex, Convert.ToHexString(payload.AsSpan(0, 6)));
        Assert.All(payload[6..], b => Assert.Equal(0, b));

        Assert.True(PaddingNegotiateCell.TryDecode(payload, out var back, out var error));
        Assert.Equal(CellError.None, error);
        Assert.Equal(cell, back);
    }

    [Theory]
    [InlineData("")]
    [InlineData("0002232836")] // one byte short
    [InlineData("010100000000")] // version 1 (C tor's test_channelpadding_negotiation case #3)
    [InlineData("000000000000")] // command 0
    [InlineData("000300000000")] // command 3
    [InlineData("00FF00000000")]
    public void MalformedBodiesAreRejectedWithoutThrowing(string hex)
    {
        Assert.False(PaddingNegotiateCell.TryDecode(Convert.FromHexString(hex), out var cell, out var error));
        Assert.Equal(CellError.Malformed, error);
        Assert.Equal(default, cell);
    }

    [Fact]
    public void TrailingBytesAreIgnored()
    {
        Assert.True(PaddingNegotiateCell.TryDecode(Convert.FromHexString("000100010002FFFF"), out var cell, out _));
        Assert.Equal(new PaddingNegotiateCell(PaddingNegotiateCommand.Stop, 1, 2), cell);
    }

    [Fact]
    public void EncodingIntoTooSmallABufferThrows() =>
        Assert.Throws<ArgumentException>(() => new PaddingNegotiateCell(PaddingNegotiateCommand.Stop).EncodeTo(new byte[5]));
}
