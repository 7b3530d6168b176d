using System.Net;
using TorRelay.Cells.Circuits;
using TorRelay.Cells.Relay;
using static TorRelay.Cells.Tests.Relay.Bytes;

namespace TorRelay.Cells.Tests.Relay;

/// <summary>EXTEND2 vectors from C tor src/test/test_cell_formats.c (test_cfmt_extend_cells).</summary>
public class Extend2MessageTests
{
    private static readonly byte[] Onionskin84 = Enumerable.Range(0, 84).Select(i => (byte)(i * 3)).ToArray();
    private static readonly byte[] Onionskin99 = Enumerable.Range(0, 99).Select(i => (byte)(i * 7)).ToArray();

    [Fact]
    public void Minimal_ntor_extend2_round_trips()
    {
        var body = Cat(H("02 0006 12f40001 f0f1"), H("0214"), A("anarchoindividualist"), H("0002 0054"), Onionskin84);
        Assert.True(Extend2Message.TryDecode(body, out var m, out var error));
        Assert.Equal(CellError.None, error);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("18.244.0.1"), 61681), m.Ipv4EndPoint);
        Assert.Null(m.Ipv6EndPoint);
        Assert.Equal(A("anarchoindividualist"), m.RsaIdentity.ToArray());
        Assert.True(m.Ed25519Identity.IsEmpty);
        Assert.Equal(HandshakeType.Ntor, m.HandshakeType);
        Assert.Equal(Onionskin84, m.HandshakeData.ToArray());
        Assert.Equal(E(body), E(Encode(m)));
    }

    [Fact]
    public void Fanciful_extend2_keeps_unknown_specifiers()
    {
        var body = Cat(H("04 0006 12f40001 f0f1"), H("0214"), A("anthropomorphization"),
            H("0112 20020000000000000000000000f0c51e 1112"),
            H("f020"), A("upupdowndownleftrightleftrightba"),
            H("0105 0063"), Onionskin99);
        Assert.True(Extend2Message.TryDecode(body, out var m, out _));
        Assert.Equal("18.244.0.1:61681", m.Ipv4EndPoint!.ToString());
        Assert.Equal(new IPEndPoint(IPAddress.Parse("2002::f0:c51e"), 4370), m.Ipv6EndPoint);
        Assert.Equal(A("anthropomorphization"), m.RsaIdentity.ToArray());
        Assert.Equal((HandshakeType)0x105, m.HandshakeType);
        Assert.Equal(4, m.LinkSpecifiers.Count);
        Assert.Equal((LinkSpecifierType)0xf0, m.LinkSpecifiers[3].Type);
        Assert.Equal(E(body), E(Encode(m)));
    }

    [Fact]
    public void Builds_c_tors_encoding_with_an_ed25519_id()
    {
        var m = new Extend2Message(
            [
                LinkSpecifier.FromEndPoint(new IPEndPoint(IPAddress.Parse("18.244.0.1"), 61681)),
                LinkSpecifier.LegacyId(A("anthropomorphization")),
                LinkSpecifier.Ed25519Id(A("brownshoesdontmakeit/brownshoesd")),
                LinkSpecifier.FromEndPoint(new IPEndPoint(IPAddress.Parse("2002::f0:c51e"), 4370)),
            ],
            (HandshakeType)0x105, Onionskin99);
        var expectedPrefix =
            "04" + "000612f40001f0f1" + "0214616e7468726f706f6d6f727068697a6174696f6e" +
            "0320" + "62726f776e73686f6573646f6e746d616b6569742f62726f776e73686f657364" +
            "011220020000000000000000000000f0c51e1112" + "01050063";
        var encoded = Encode(m);
        Assert.Equal(89 + 99, encoded.Length);
        Assert.Equal(expectedPrefix, E(encoded.AsSpan(0, 89)));
        Assert.True(Extend2Message.TryDecode(encoded, out var back, out _));
        Assert.Equal(A("brownshoesdontmakeit/brownshoesd"), back.Ed25519Identity.ToArray());
    }

    [Fact]
    public void Ipv6_without_ipv4_is_enough()
    {
        var body = Pad(Cat(H("02 0214"), A("anthropomorphization"), H("0112"), A("xxxxxxxxxxxxxxxxYY"), H("ffff0020")), 498);
        Assert.True(Extend2Message.TryDecode(body, out var m, out _));
        Assert.Null(m.Ipv4EndPoint);
        Assert.Equal("[7878:7878:7878:7878:7878:7878:7878:7878]:22873", m.Ipv6EndPoint!.ToString());
        Assert.Equal((HandshakeType)0xffff, m.HandshakeType);
        Assert.Equal(32, m.HandshakeData.Length);
        Assert.Equal("02" + "0214616e7468726f706f6d6f727068697a6174696f6e" + "0112787878787878787878787878787878785959" + "ffff0020",
            E(Encode(m).AsSpan(0, 47)));
    }

    public static TheoryData<string, byte[]> Junk => new()
    {
        { "too-long handshake", Pad(Cat(H("02 0006 12f40001 f0f1 0214"), A("anarchoindividualist"), H("ffff01d0")), 498) },
        { "two identities", Pad(Cat(H("03 0006 12f40001 f0f1 0214"), A("anarchoindividualist"), H("0214"), A("autodepolymerization"), H("ffff0010")), 498) },
        { "no identity", Pad(H("01 0006 12f40001 f0f1"), 498) },
        { "IPv4 too long", Pad(Cat(H("02 0007 12f40001 f0f1ff 0214"), A("anarchoindividualist"), H("ffff0010")), 498) },
        { "IPv4 too short", Pad(Cat(H("02 0005 12f40001 f0 0214"), A("anarchoindividualist"), H("ffff0010")), 498) },
        { "IPv6 too long", Pad(Cat(H("03 0006 12f40001 f0f1 0214"), A("anarchoindividualist"), H("0113"), A("xxxxxxxxxxxxxxxxYYZ"), H("ffff0020")), 498) },
        { "IPv6 too short", Pad(Cat(H("03 0006 12f40001 f0f1 0214"), A("anarchoindividualist"), H("0111"), A("xxxxxxxxxxxxxxxxY"), H("ffff0020")), 498) },
        { "specifiers overrun", Pad(Cat(H("050aff"), new byte[255], H("0aff")), 498) },
        { "no address", Pad(Cat(H("01 0214"), A("anarchoindividualist"), H("00020054")), 498) },
        { "zero port", Pad(Cat(H("02 0006 12f40001 0000 0214"), A("anarchoindividualist"), H("ffff0000")), 498) },
        { "zero RSA id", Pad(Cat(H("02 0006 12f40001 f0f1 0214"), new byte[20], H("ffff0000")), 498) },
        { "CREATE_FAST inside", Pad(Cat(H("02 0006 12f40001 f0f1 0214"), A("anarchoindividualist"), H("00010014")), 498) },
        { "ntor of wrong length", Pad(Cat(H("02 0006 12f40001 f0f1 0214"), A("anarchoindividualist"), H("00020053")), 498) },
        { "missing handshake header", Cat(H("02 0006 12f40001 f0f1 0214"), A("anarchoindividualist"), H("0002")) },
        { "longer than a relay cell", new byte[499] },
        { "empty", [] },
    };

    [Theory, MemberData(nameof(Junk))]
    public void Rejects_junk(string why, byte[] body)
    {
        Assert.False(Extend2Message.TryDecode(body, out _, out var error), why);
        Assert.NotEqual(CellError.None, error);
    }

    [Fact]
    public void Random_input_never_throws()
    {
        var rng = new Random(99);
        var p = new byte[498];
        for (int i = 0; i < 20000; i++)
        {
            int n = rng.Next(p.Length + 1);
            rng.NextBytes(p.AsSpan(0, n));
            if (i % 3 == 0) p[0] = (byte)rng.Next(4); // few specifiers, so decoding gets further
            Extend2Message.TryDecode(p.AsSpan(0, n), out _, out _);
            ResolvedMessage.TryDecode(p.AsSpan(0, n), out _, out _);
            BeginMessage.TryDecode(p.AsSpan(0, n), out _, out _);
            SendmeMessage.TryDecode(p.AsSpan(0, n), out _, out _);
            ConnectedMessage.TryDecode(p.AsSpan(0, n), out _, out _);
            EndMessage.TryDecode(p.AsSpan(0, n), out _, out _);
            Extended2Message.TryDecode(p.AsSpan(0, n), out _, out _);
            Create2Cell.TryDecode(p.AsSpan(0, n), out _, out _);
            NtorV3Extension.TryDecodeList(p.AsSpan(0, n), out _, out _);
        }
    }

    private static byte[] Encode(Extend2Message m)
    {
        var buf = new byte[498];
        return buf[..m.EncodeTo(buf)];
    }
}
