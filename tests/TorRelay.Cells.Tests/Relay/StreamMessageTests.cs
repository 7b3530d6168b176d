using System.Net;
using TorRelay.Cells.Relay;
using static TorRelay.Cells.Tests.Relay.Bytes;

namespace TorRelay.Cells.Tests.Relay;

/// <summary>BEGIN, BEGIN_DIR, CONNECTED, END, DATA vectors; most from C tor src/test/test_cell_formats.c.</summary>
public class StreamMessageTests
{
    public static TheoryData<string, string, ushort, uint> GoodBegins => new()
    {
        { "a.b:9\0", "a.b", 9, 0 },
        { "here-is-a-nice-long.hostname.com:65535\0", "here-is-a-nice-long.hostname.com", 65535, 0 },
        { "18.9.22.169:80\0", "18.9.22.169", 80, 0 },
        { "[2620::6b0:b:1a1a:0:26e5:480e]:80\0", "[2620::6b0:b:1a1a:0:26e5:480e]", 80, 0 },
        { "another.example.com:80\0\x01\x02", "another.example.com", 80, 0 },
        { "another.example.com:443\0\x01\x02\x03\x04", "another.example.com", 443, 0x01020304 },
        { "a-further.example.com:22\0\xee\xaa\x00\xffHi mom", "a-further.example.com", 22, 0xeeaa00ff },
    };

    [Theory, MemberData(nameof(GoodBegins))]
    public void Begin_decodes(string body, string address, ushort port, uint flags)
    {
        Assert.True(BeginMessage.TryDecode(A(body), out var m, out var error));
        Assert.Equal(CellError.None, error);
        Assert.Equal(address, m.Address);
        Assert.Equal(port, m.Port);
        Assert.Equal((BeginFlags)flags, m.Flags);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a.b\0")]
    [InlineData("a.b:\0")]
    [InlineData("a.b:xyz\0")]
    [InlineData("a.b:100000\0")]
    [InlineData("a.b:0\0")]
    [InlineData("a.b:80")]
    public void Begin_rejects_junk(string body)
    {
        Assert.False(BeginMessage.TryDecode(A(body), out _, out var error));
        Assert.Equal(CellError.Malformed, error);
    }

    [Fact]
    public void Begin_encodes_flags_only_when_set()
    {
        var buf = new byte[498];
        int n = new BeginMessage("example.com", 443).EncodeTo(buf);
        Assert.Equal(A("example.com:443\0"), buf[..n]);
        n = new BeginMessage("example.com", 443, BeginFlags.Ipv6Okay | BeginFlags.Ipv6Preferred).EncodeTo(buf);
        Assert.Equal(Cat(A("example.com:443\0"), H("00000005")), buf[..n]);
    }

    [Fact]
    public void Begin_dir_ignores_its_body()
    {
        Assert.True(BeginDirMessage.TryDecode(A("12345"), out var m, out _));
        Assert.Equal(0, m.EncodeTo(new byte[4]));
    }

    public static TheoryData<string, string?, int> GoodConnected => new()
    {
        { "", null, -1 },
        { "20304050", "32.48.64.80", -1 },
        { "1112131415", "17.18.19.20", -1 },
        { "0203040500000e10", "2.3.4.5", 3600 },
        { "02030405f0000000", "2.3.4.5", -1 },
        { "0000000006" + "2607f8b0400c0c020000000000000068" + "00000258", "2607:f8b0:400c:c02::68", 600 },
        { "0000000006" + "2607f8b0400c0c020000000000000068" + "90000258", "2607:f8b0:400c:c02::68", -1 },
    };

    [Theory, MemberData(nameof(GoodConnected))]
    public void Connected_decodes(string hex, string? address, int ttl)
    {
        Assert.True(ConnectedMessage.TryDecode(H(hex), out var m, out _));
        Assert.Equal(address, m.Address?.ToString());
        Assert.Equal(ttl, m.Ttl);
    }

    [Theory]
    [InlineData("000102")]
    [InlineData("0000000007" + "2607f8b0400c0c020000000000000068" + "90000258")]
    [InlineData("0000000006" + "2607f8b0400c0c020000000000000068" + "000002")]
    public void Connected_rejects_junk(string hex) => Assert.False(ConnectedMessage.TryDecode(H(hex), out _, out _));

    [Theory]
    [InlineData("30.40.50.60", 1024, "1e28323c00000400")]
    [InlineData("2620::6b0:b:1a1a:0:26e5:480e", 3600, "0000000006" + "2620000006b0000b1a1a000026e5480e" + "00000e10")]
    public void Connected_encodes_like_c_tor(string address, int ttl, string hex)
    {
        var buf = new byte[498];
        int n = new ConnectedMessage(IPAddress.Parse(address), ttl).EncodeTo(buf);
        Assert.Equal(hex, E(buf.AsSpan(0, n)));
        Assert.True(ConnectedMessage.TryDecode(buf.AsSpan(0, n), out var back, out _));
        Assert.Equal(IPAddress.Parse(address), back.Address);
        Assert.Equal(ttl, back.Ttl);
    }

    [Theory]
    [InlineData("", EndReason.Misc, null, -1)]
    [InlineData("06", EndReason.Done, null, -1)]
    [InlineData("04" + "7f000001", EndReason.ExitPolicy, "127.0.0.1", -1)]
    [InlineData("04" + "7f000001" + "00000e10", EndReason.ExitPolicy, "127.0.0.1", 3600)]
    [InlineData("04" + "20010db8000000000000000000000001" + "0000003c", EndReason.ExitPolicy, "2001:db8::1", 60)]
    [InlineData("04" + "7f0000", EndReason.ExitPolicy, null, -1)]
    public void End_decodes(string hex, EndReason reason, string? address, int ttl)
    {
        Assert.True(EndMessage.TryDecode(H(hex), out var m, out _));
        Assert.Equal(reason, m.Reason);
        Assert.Equal(address, m.Address?.ToString());
        Assert.Equal(ttl, m.Ttl);
        if (hex.Length is 0 or 8) return; // MISC default and ignored junk do not round-trip
        var buf = new byte[32];
        Assert.Equal(hex, E(buf.AsSpan(0, m.EncodeTo(buf))));
    }

    [Fact]
    public void Data_is_a_view_and_refuses_more_than_498_bytes()
    {
        var payload = new byte[498];
        Assert.True(DataMessage.TryDecode(payload, out var m, out _));
        Assert.True(m.Data.Overlaps(payload));
        Assert.False(DataMessage.TryDecode(new byte[499], out _, out var error));
        Assert.Equal(CellError.TooLong, error);
    }
}
