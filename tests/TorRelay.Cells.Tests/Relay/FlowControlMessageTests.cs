using TorRelay.Cells.Relay;
using static TorRelay.Cells.Tests.Relay.Bytes;

namespace TorRelay.Cells.Tests.Relay;

/// <summary>XOFF and XON (C tor flow_control_cells.trunnel: version must be 0; XON adds a u32 kbps_ewma).</summary>
public class FlowControlMessageTests
{
    [Theory]
    [InlineData("00")]
    [InlineData("00ffff")] // trunnel ignores what follows
    public void Xoff_decodes_version_0(string hex)
    {
        Assert.True(XoffMessage.TryDecode(H(hex), out var m, out _));
        Assert.Equal(0, m.Version);
        var buf = new byte[4];
        Assert.Equal(1, m.EncodeTo(buf));
        Assert.Equal("00", E(buf.AsSpan(0, 1)));
        Assert.Equal(RelayCommand.Xoff, XoffMessage.Command);
    }

    [Theory]
    [InlineData("00000005dc", 1500u)]
    [InlineData("0000000000", 0u)]
    [InlineData("00ffffffff", uint.MaxValue)]
    [InlineData("000000000100", 1u)] // trunnel ignores what follows
    public void Xon_round_trips_its_rate(string hex, uint kbps)
    {
        Assert.True(XonMessage.TryDecode(H(hex), out var m, out _));
        Assert.Equal(kbps, m.KbpsEwma);
        var buf = new byte[8];
        Assert.Equal(5, m.EncodeTo(buf));
        Assert.Equal(hex[..10], E(buf.AsSpan(0, 5)));
        Assert.Equal(5, new XonMessage(kbps).EncodeTo(buf));
        Assert.Equal(hex[..10], E(buf.AsSpan(0, 5)));
        Assert.Equal(RelayCommand.Xon, XonMessage.Command);
    }

    [Theory]
    [InlineData(false, "")]
    [InlineData(false, "01")]
    [InlineData(true, "")]
    [InlineData(true, "00000005")]
    [InlineData(true, "01000005dc")]
    public void Both_reject_junk(bool xon, string hex)
    {
        var error = CellError.None;
        Assert.False(xon ? XonMessage.TryDecode(H(hex), out _, out error) : XoffMessage.TryDecode(H(hex), out _, out error));
        Assert.Equal(CellError.Malformed, error);
    }

    [Fact]
    public void Encoders_refuse_a_short_buffer()
    {
        Assert.Throws<ArgumentException>(() => new XonMessage(1).EncodeTo(new byte[4]));
        Assert.Throws<ArgumentException>(() => default(XoffMessage).EncodeTo([]));
    }
}
