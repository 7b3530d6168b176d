using TorRelay.Cells.Circuits;
using static TorRelay.Cells.Tests.Relay.Bytes;

namespace TorRelay.Cells.Tests.Circuits;

/// <summary>ntor-v3 extension lists and congestion-control negotiation (C tor extension.trunnel, congestion_control.trunnel).</summary>
public class NtorV3ExtensionTests
{
    [Fact]
    public void Cc_request_is_detected_among_unknown_fields()
    {
        Assert.True(CongestionControlExtension.TryParseRequest(CongestionControlExtension.Request, out bool requested));
        Assert.True(requested);
        Assert.True(CongestionControlExtension.TryParseRequest(H("02 7702aabb 0100"), out requested));
        Assert.True(requested);
        Assert.True(CongestionControlExtension.TryParseRequest(H("00"), out requested));
        Assert.False(requested);
        Assert.True(CongestionControlExtension.TryParseRequest(H("01 7700 ffff"), out requested)); // trailing bytes ignored
        Assert.False(requested);
    }

    [Theory]
    [InlineData("")]       // C tor fails the handshake on an empty message
    [InlineData("01")]
    [InlineData("0101")]
    [InlineData("01 0102 aa")]
    [InlineData("02 0100")]
    public void Malformed_lists_fail(string hex)
    {
        Assert.False(NtorV3Extension.TryDecodeList(H(hex), out _, out var error));
        Assert.Equal(CellError.Malformed, error);
        Assert.False(CongestionControlExtension.TryParseRequest(H(hex), out _));
    }

    [Fact]
    public void Responses_encode_like_c_tor()
    {
        var buf = new byte[8];
        Assert.Equal("01020121", E(buf.AsSpan(0, CongestionControlExtension.EncodeResponse(33, buf))));
        Assert.Equal("00", E(buf.AsSpan(0, CongestionControlExtension.EncodeResponse(null, buf))));

        Assert.True(CongestionControlExtension.TryParseResponse(H("01020121"), out byte? inc));
        Assert.Equal((byte)33, inc);
        Assert.True(CongestionControlExtension.TryParseResponse(H("00"), out inc));
        Assert.Null(inc);
        Assert.False(CongestionControlExtension.TryParseResponse(H("010200"), out _));
    }

    [Fact]
    public void Lists_round_trip()
    {
        NtorV3Extension[] list =
        [
            new(NtorV3ExtensionType.CongestionControlRequest, ReadOnlyMemory<byte>.Empty),
            new((NtorV3ExtensionType)0x42, new byte[] { 1, 2, 3 }),
        ];
        var buf = new byte[NtorV3Extension.GetEncodedLength(list)];
        Assert.Equal(buf.Length, NtorV3Extension.EncodeList(list, buf));
        Assert.Equal("02" + "0100" + "4203010203", E(buf));
        Assert.True(NtorV3Extension.TryDecodeList(buf, out var back, out _));
        Assert.Equal(2, back.Count);
        Assert.Equal((NtorV3ExtensionType)0x42, back[1].Type);
        Assert.Equal(new byte[] { 1, 2, 3 }, back[1].Data.ToArray());
    }
}
