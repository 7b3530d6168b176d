using TorRelay.Cells.Circuits;
using static TorRelay.Cells.Tests.Relay.Bytes;

namespace TorRelay.Cells.Tests.Circuits;

/// <summary>CREATE2 / CREATED2 / CREATE_FAST / CREATED_FAST, after C tor test_cell_formats.c (create/created cells).</summary>
public class CreateCellTests
{
    private static byte[] Skin(int n) => Enumerable.Range(0, n).Select(i => (byte)(i + 1)).ToArray();

    [Theory]
    [InlineData("000000ba", HandshakeType.Tap, 186)]
    [InlineData("00020054", HandshakeType.Ntor, 84)]
    [InlineData("00030064", HandshakeType.NtorV3, 100)]
    public void Create2_decodes_and_reencodes(string header, HandshakeType type, int length)
    {
        var payload = Pad(Cat(H(header), Skin(length)), 509);
        Assert.True(Create2Cell.TryDecode(payload, out var c, out _));
        Assert.Equal(type, c.HandshakeType);
        Assert.Equal(Skin(length), c.HandshakeData.ToArray());
        var again = new byte[509];
        Assert.Equal(4 + length, c.EncodeTo(again));
        Assert.Equal(E(payload), E(again));
    }

    [Theory]
    [InlineData("00500099")] // unknown type
    [InlineData("000000bc")] // TAP of 188 bytes
    [InlineData("00000200")] // 512 bytes
    [InlineData("00020053")] // ntor of 83 bytes
    [InlineData("00010014")] // CREATE_FAST inside CREATE2
    [InlineData("000301fa")] // 506 > 505
    public void Create2_rejects_junk(string header)
    {
        Assert.False(Create2Cell.TryDecode(Pad(H(header), 509), out _, out var error));
        Assert.Equal(CellError.Malformed, error);
    }

    [Fact]
    public void Create2_rejects_short_payloads()
    {
        Assert.False(Create2Cell.TryDecode(H("000200"), out _, out _));
        Assert.False(Create2Cell.TryDecode(Cat(H("00020054"), Skin(83)), out _, out _));
    }

    [Fact]
    public void Created2_vectors()
    {
        var payload = Pad(Cat(H("0040"), Skin(64)), 509);
        Assert.True(Created2Cell.TryDecode(payload, out var c, out _));
        Assert.Equal(Skin(64), c.HandshakeData.ToArray());
        var again = new byte[509];
        c.EncodeTo(again);
        Assert.Equal(E(payload), E(again));

        Assert.True(Created2Cell.TryDecode(Pad(Cat(H("01f0"), Skin(496)), 509), out c, out _));
        Assert.Equal(496, c.HandshakeData.Length);
        Assert.False(Created2Cell.TryDecode(Pad(H("01f1"), 509), out _, out _));
        Assert.False(Created2Cell.TryDecode(H("01"), out _, out _));
        Assert.Throws<InvalidOperationException>(() => new Created2Cell(new byte[497]).EncodeTo(new byte[509]));
    }

    [Fact]
    public void Create_fast_and_created_fast_round_trip()
    {
        var payload = Pad(Skin(20), 509);
        Assert.True(CreateFastCell.TryDecode(payload, out var cf, out _));
        Assert.Equal(Skin(20), cf.X.ToArray());
        Assert.False(CreateFastCell.TryDecode(Skin(19), out _, out _));

        var reply = Pad(Skin(40), 509);
        Assert.True(CreatedFastCell.TryDecode(reply, out var cd, out _));
        Assert.Equal(Skin(40)[..20], cd.Y.ToArray());
        Assert.Equal(Skin(40)[20..], cd.DerivativeKeyData.ToArray());
        var again = new byte[40];
        Assert.Equal(40, cd.EncodeTo(again));
        Assert.Equal(Skin(40), again);
        Assert.False(CreatedFastCell.TryDecode(Skin(39), out _, out _));
    }
}
