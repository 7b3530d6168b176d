using System.Net;
using TorRelay.Cells.Relay;
using static TorRelay.Cells.Tests.Relay.Bytes;

namespace TorRelay.Cells.Tests.Relay;

/// <summary>RESOLVE / RESOLVED; RESOLVED vectors from C tor test_cell_formats.c (test_cfmt_resolved_cells).</summary>
public class ResolveMessageTests
{
    private const string LongName =
        "this-hostname-has-255-characters.in-order-to-test-whether-very-long.ho" +
        "stnames-are-accepted.i-am-putting-it-in-a-macro-because-although.this-" +
        "function-is-already-very-full.of-copy-and-pasted-stuff.having-this-app" +
        "ear-more-than-once-would-bother-me-somehow.is";
    private const string LongName2 =
        "this-name-has-231-characters.so-that-it-plus-LONG_NAME-can-completely-" +
        "fill-up-the-payload-of-a-cell.its-important-to-check-for-the-full-thin" +
        "g-case.to-avoid-off-by-one-errors.where-full-things-are-misreported-as" +
        ".overflowing-by-one.z";

    private static ResolvedMessage Decode(byte[] body)
    {
        Assert.True(ResolvedMessage.TryDecode(body, out var m, out var error));
        Assert.Equal(CellError.None, error);
        return m;
    }

    [Fact]
    public void Single_answers()
    {
        Assert.Empty(Decode([]).Answers);

        var a = Decode(H("0404 7f00020a 00000100")).Answers.Single();
        Assert.Equal(IPAddress.Parse("127.0.2.10"), a.Address);
        Assert.Equal(256u, a.Ttl);

        a = Decode(H("0610 200290900000000000000000f0f0abcd 02000001")).Answers.Single();
        Assert.Equal(IPAddress.Parse("2002:9090::f0f0:abcd"), a.Address);
        Assert.Equal(0x2000001u, a.Ttl);

        a = Decode(Cat(H("0011"), A("motherbrain.zebes"), H("00000000"))).Answers.Single();
        Assert.Equal("motherbrain.zebes", a.Hostname);
        Assert.Null(a.Address);

        a = Decode(Cat(H("00ff"), A(LongName), H("00010000"))).Answers.Single();
        Assert.Equal(LongName, a.Hostname);
        Assert.Equal(65536u, a.Ttl);

        a = Decode(Cat(H("f02b"), A("I'm sorry, Dave. I'm afraid I can't do that"), H("00112233"))).Answers.Single();
        Assert.Equal(ResolvedType.ErrorTransient, a.Type);
        Assert.True(a.IsError);

        a = Decode(Cat(H("ee16"), A("fault in the AE35 unit"), H("09090101"))).Answers.Single();
        Assert.Equal((ResolvedType)0xee, a.Type);
    }

    [Fact]
    public void Mixed_and_full_cells()
    {
        var body = Cat(H("ee16"), A("fault in the AE35 unit"), H("09090101"),
            H("f02b"), A("I'm sorry, Dave. I'm afraid I can't do that"), H("00112233"),
            H("0610 200290900000000000000000f0f0abcd 02000001"),
            H("0404 7f00020a 00000100"),
            H("0011"), A("motherbrain.zebes"), H("00000000"));
        var m = Decode(body);
        Assert.Equal(5, m.Answers.Count);
        Assert.Equal(IPAddress.Parse("2002:9090::f0f0:abcd"), m.Answers[2].Address);
        Assert.Equal(IPAddress.Parse("127.0.2.10"), m.Answers[3].Address);
        Assert.Equal("motherbrain.zebes", m.Answers[4].Hostname);
        var buf = new byte[498];
        Assert.Equal(E(body), E(buf.AsSpan(0, m.EncodeTo(buf))));

        var full = Cat(H("00ff"), A(LongName), H("00010000"), H("00e7"), A(LongName2), H("00010000"));
        Assert.Equal(498, full.Length);
        m = Decode(full);
        Assert.Equal(LongName2, m.Answers[1].Hostname);
    }

    public static TheoryData<byte[]> Junk => new()
    {
        A("\x04\x03zzz1234"),
        Cat(H("0404 7f00020a 00000100"), A("\x04\x05zzzzz1234")),
        A("\x06\x03zzz1234"),
        Cat(H("0404 7f00020a 00000100"), A("\x06\x17wwwwwwwwwwwwwwwww1234")),
        Cat(H("0404 7f00020a 00000100"), A("\x06\x10xxxx")),
        A("\x00\x00xxxx"),
        Cat(H("00ff"), A(LongName), H("000100")),
        H("0404 7f00020a 000001"),
        H("ee10 20029001000000000000000000facade 000000"),
        H("04"),
        H("ee"),
        new byte[499],
    };

    [Theory, MemberData(nameof(Junk))]
    public void Resolved_rejects_junk(byte[] body) => Assert.False(ResolvedMessage.TryDecode(body, out _, out _));

    [Fact]
    public void Resolve_round_trips()
    {
        Assert.True(ResolveMessage.TryDecode(A("www.example.com\0"), out var m, out _));
        Assert.Equal("www.example.com", m.Hostname);
        var buf = new byte[64];
        Assert.Equal(A("www.example.com\0"), buf[..m.EncodeTo(buf)]);
        Assert.True(ResolveMessage.TryDecode(A("1.0.0.127.in-addr.arpa"), out m, out _));
        Assert.Equal("1.0.0.127.in-addr.arpa", m.Hostname);
        Assert.False(ResolveMessage.TryDecode(A("\0junk"), out _, out _));
    }

    [Fact]
    public void Answers_from_values_encode()
    {
        var m = new ResolvedMessage([
            ResolvedAnswer.FromAddress(IPAddress.Parse("8.8.8.8"), 261),
            ResolvedAnswer.FromHostname("a.b", 1),
            ResolvedAnswer.Error(transient: false),
        ]);
        var buf = new byte[64];
        Assert.Equal("0404" + "08080808" + "00000105" + "0003" + "612e62" + "00000001" + "f100" + "00000000", E(buf.AsSpan(0, m.EncodeTo(buf))));
    }
}
