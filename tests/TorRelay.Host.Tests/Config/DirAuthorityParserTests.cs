using System.Net;
using TorRelay.Host.Config;

namespace TorRelay.Host.Tests.Config;

public class DirAuthorityParserTests
{
    private const string V3 = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    private const string Fp = "0123456789ABCDEF0123456789ABCDEF01234567";

    private static TorRelay.Directory.DirectoryAuthority Parse(string value) =>
        DirAuthorityParser.Parse(new ConfigLine("DirAuthority", value, "t.conf", 7));

    [Fact]
    public void ParsesTheTestnetLineFormat()
    {
        var a = Parse($"auth0 orport=5000 no-v2 v3ident={V3} 127.0.0.1:7000 {Fp}");
        Assert.Equal("auth0", a.Nickname);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 7000), a.DirPort);
        Assert.Equal(5000, a.OrPort);
        Assert.Equal(Convert.FromHexString(V3), a.V3Identity);
        Assert.Equal(Convert.FromHexString(Fp), a.Fingerprint);
        Assert.Equal(["no-v2"], a.Flags);
    }

    [Fact]
    public void ParsesAFingerprintInTenGroupsAndIPv6AndWeight()
    {
        // The form of tor's built-in authority list (auth_dirs.inc).
        var a = Parse("moria1 orport=9201 bridge weight=2 ipv6=[2001:db8::1]:9201 128.31.0.39:9231 " +
                      "1A25 C635 2731 5E43 4D2E 0E7D 1D91 A6FD 7A41 DB52");
        Assert.Equal(Convert.FromHexString("1A25C63527315E434D2E0E7D1D91A6FD7A41DB52"), a.Fingerprint);
        Assert.Null(a.V3Identity);
        Assert.Equal(["bridge", "weight=2"], a.Flags);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("2001:db8::1"), 9201), a.Ipv6OrPort);
    }

    [Theory]
    [InlineData("auth0 orport=5000 no-v2 v3ident=" + V3 + " 127.0.0.1:7000 " + Fp)]
    [InlineData("moria1 orport=9201 bridge weight=2 ipv6=[2001:db8::1]:9201 128.31.0.39:9231 1A25 C635 2731 5E43 4D2E 0E7D 1D91 A6FD 7A41 DB52")]
    [InlineData("127.0.0.1:7000 " + Fp)]
    public void AgreesWithTheDirectoryProjectsParser(string value)
    {
        var ours = Parse(value);
        Assert.True(TorRelay.Directory.DirAuthorityLine.TryParse(value, out var theirs, out string? error), error);
        Assert.Equal((theirs!.Nickname, theirs.DirPort, theirs.OrPort, theirs.Ipv6OrPort),
            (ours.Nickname, ours.DirPort, ours.OrPort, ours.Ipv6OrPort));
        Assert.Equal(theirs.Fingerprint, ours.Fingerprint);
        Assert.Equal(theirs.V3Identity, ours.V3Identity);
        Assert.Equal(theirs.Flags, ours.Flags);
    }

    [Fact]
    public void NicknameIsOptional()
    {
        var a = Parse($"127.0.0.1:7000 {Fp}");
        Assert.Equal("", a.Nickname);
        Assert.Null(a.OrPort);
    }

    [Theory]
    [InlineData("", "No arguments on DirAuthority line.")]
    [InlineData("auth0 127.0.0.1:7000", "Too few arguments to DirAuthority line.")]
    [InlineData("auth0 127.0.0.1 " + Fp, "Missing port in DirAuthority address '127.0.0.1'")]
    [InlineData("auth0 127.0.0.1:0 " + Fp, "Missing port in DirAuthority address '127.0.0.1:0'")]
    [InlineData("auth0 1.2.3:7000 " + Fp, "invalid IPv4 address")]
    [InlineData("auth0 127.0.0.1:7000 0123", "Key digest '0123' for DirAuthority is wrong length 4.")]
    [InlineData("auth0 127.0.0.1:7000 ZZ23456789ABCDEF0123456789ABCDEF01234567", "Unable to decode DirAuthority key digest.")]
    [InlineData("auth0 orport=0 127.0.0.1:7000 " + Fp, "Invalid orport '0' on DirAuthority line.")]
    [InlineData("auth0 v3ident=12 127.0.0.1:7000 " + Fp, "Bad v3 identity digest 'v3ident=12'")]
    [InlineData("auth0 ipv6=127.0.0.1:5 127.0.0.1:7000 " + Fp, "Bad ipv6 addr/port")]
    [InlineData("auth0 frobnicate 127.0.0.1:7000 " + Fp, "Unrecognized flag 'frobnicate' on DirAuthority line")]
    public void MalformedLinesNameTheirLine(string value, string message)
    {
        var e = Assert.Throws<ConfigException>(() => Parse(value));
        Assert.StartsWith("t.conf:7: ", e.Message);
        Assert.Contains(message, e.Message);
    }
}
