using TorRelay.Cells.Relay;
using static TorRelay.Cells.Tests.Relay.Bytes;

namespace TorRelay.Cells.Tests.Relay;

public class RelayCellHeaderTests
{
    [Fact]
    public void C_tor_header_vector_round_trips()
    {
        // test_cfmt_relay_header
        var hdr = Cat(H("03 0000 2122"), A("ABCD"), H("0103"));
        var body = Pad(hdr, 509);
        Assert.True(RelayCellHeader.TryRead(body, out var h, out var error));
        Assert.Equal(CellError.None, error);
        Assert.Equal(RelayCommand.End, h.Command);
        Assert.Equal(0, h.Recognized);
        Assert.Equal(0x2122, h.StreamId);
        Assert.Equal(0x41424344u, h.Digest);
        Assert.Equal(0x103, h.Length);

        var again = new byte[11];
        h.WriteTo(again);
        Assert.Equal(E(hdr), E(again));
    }

    [Fact]
    public void Rejects_short_headers_and_overlong_lengths()
    {
        Assert.False(RelayCellHeader.TryRead(new byte[10], out _, out var error));
        Assert.Equal(CellError.Incomplete, error);

        var body = new byte[509];
        RelayCellHeader.SetLength(body, 499);
        Assert.False(RelayCellHeader.TryRead(body, out _, out error));
        Assert.Equal(CellError.TooLong, error);
        Assert.False(RelayCellHeader.TryGetData(body, out _));

        RelayCellHeader.SetLength(body, 498);
        Assert.True(RelayCellHeader.TryGetData(body, out var data));
        Assert.Equal(498, data.Length);
    }

    [Fact]
    public void In_place_accessors_edit_the_body()
    {
        var body = new byte[509];
        RelayCellHeader.SetCommand(body, RelayCommand.Extend2);
        RelayCellHeader.SetStreamId(body, 0xBEEF);
        RelayCellHeader.SetLength(body, 7);
        Assert.Equal(RelayCommand.Extend2, RelayCellHeader.GetCommand(body));
        Assert.Equal(0xBEEF, RelayCellHeader.GetStreamId(body));
        Assert.Equal(7, RelayCellHeader.GetLength(body));
        Assert.True(RelayCellHeader.IsRecognizedZero(body));
        Assert.Equal("0e0000beef000000000007", E(body.AsSpan(0, 11)));
    }

    [Fact]
    public void Compose_writes_header_and_message()
    {
        var body = new byte[509];
        var msg = new DataMessage("hello"u8);
        int n = RelayCellHeader.Compose(body, 5, in msg);
        Assert.Equal(5, n);
        Assert.Equal("020000000500000000000568656c6c6f", E(body.AsSpan(0, 16)));
        Assert.True(RelayCellHeader.TryGetData(body, out var data));
        Assert.True(DataMessage.TryDecode(data, out var back, out _));
        Assert.Equal("hello"u8.ToArray(), back.Data.ToArray());
    }
}
