using TorRelay.Cells.Link;
using TorRelay.Cells.Relay;
using static TorRelay.Cells.Tests.Relay.Bytes;

namespace TorRelay.Cells.Tests.Relay;

/// <summary>SENDME, TRUNCATE(D), DROP, EXTENDED2 (vectors from C tor test_cell_formats.c and sendme_cell.trunnel).</summary>
public class CircuitMessageTests
{
    private const string Digest = "000102030405060708090a0b0c0d0e0f10111213";

    [Fact]
    public void Sendme_v1_round_trips_without_allocating_a_digest()
    {
        var body = H("01" + "0014" + Digest);
        Assert.True(SendmeMessage.TryDecode(body, out var m, out _));
        Assert.Equal(1, m.Version);
        Assert.True(m.DigestEquals(H(Digest)));
        Assert.False(m.DigestEquals(H(Digest.Replace("13", "14"))));
        var buf = new byte[23];
        Assert.Equal(23, m.EncodeTo(buf));
        Assert.Equal(E(body), E(buf));
        Assert.Equal(E(body), E(Encode(new SendmeMessage(H(Digest)))));
    }

    [Theory]
    [InlineData("")]
    [InlineData("000000")]
    [InlineData("000003123456")]
    public void Sendme_v0_forms_decode(string hex)
    {
        Assert.True(SendmeMessage.TryDecode(H(hex), out var m, out _));
        Assert.Equal(0, m.Version);
        Assert.Equal(0, m.EncodeTo(new byte[4]));
        Assert.False(m.DigestEquals(H(Digest)));
    }

    [Theory]
    [InlineData("01")]
    [InlineData("0100")]
    [InlineData("020014" + Digest)]
    [InlineData("010013" + "0001020304050607080910111213141516171819")]
    [InlineData("010015" + Digest + "00")]
    [InlineData("010014" + "00010203")]
    public void Sendme_rejects_junk(string hex) => Assert.False(SendmeMessage.TryDecode(H(hex), out _, out _));

    [Fact]
    public void Truncated_carries_a_destroy_reason()
    {
        Assert.True(TruncatedMessage.TryDecode(H("08"), out var m, out _));
        Assert.Equal(DestroyReason.ChannelClosed, m.Reason);
        Assert.Equal("08", E(Encode(m)));
        Assert.True(TruncatedMessage.TryDecode([], out m, out _));
        Assert.Equal(DestroyReason.None, m.Reason);
        Assert.True(TruncateMessage.TryDecode(H("ff"), out var t, out _));
        Assert.Empty(Encode(t));
        Assert.True(DropMessage.TryDecode(new byte[498], out var d, out _));
        Assert.Empty(Encode(d));
    }

    [Fact]
    public void Extended2_vectors()
    {
        var reply = Enumerable.Range(0, 42).Select(i => (byte)i).ToArray();
        var body = Cat(H("002a"), reply);
        Assert.True(Extended2Message.TryDecode(body, out var m, out _));
        Assert.Equal(reply, m.HandshakeData.ToArray());
        Assert.Equal(E(body), E(Encode(m)));

        var full = new byte[498];
        full[0] = 0x01; full[1] = 0xf0; // 496: the most that fits
        Assert.True(Extended2Message.TryDecode(full, out m, out _));
        Assert.Equal(496, m.HandshakeData.Length);
        full[1] = 0xf1; // 497: too long
        Assert.False(Extended2Message.TryDecode(full, out _, out _));
        Assert.False(Extended2Message.TryDecode(H("00"), out _, out _));
        Assert.False(Extended2Message.TryDecode(H("000301"), out _, out _));
    }

    private static byte[] Encode<T>(T m) where T : IRelayMessage<T>
    {
        var buf = new byte[498];
        return buf[..m.EncodeTo(buf)];
    }
}
