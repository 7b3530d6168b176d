using System.Net;

namespace TorRelay.Directory.Tests;

public sealed class DirAuthorityLineTests
{
    [Fact]
    public void ParsesChutneyStyleLine()
    {
        Assert.True(DirAuthorityLine.TryParse(
            "test000a orport=5000 no-v2 v3ident=D4D3B9B1E3F6C9E3A0E2F5C3B5C1A2B3C4D5E6F7 127.0.0.1:7000 " +
            "0123456789ABCDEF0123456789ABCDEF01234567", out var a, out string? error), error);
        Assert.Equal("test000a", a!.Nickname);
        Assert.Equal(5000, a.OrPort);
        Assert.Equal(IPEndPoint.Parse("127.0.0.1:7000"), a.DirPort);
        Assert.Equal(Convert.FromHexString("D4D3B9B1E3F6C9E3A0E2F5C3B5C1A2B3C4D5E6F7"), a.V3Identity);
        Assert.Equal(Convert.FromHexString("0123456789ABCDEF0123456789ABCDEF01234567"), a.Fingerprint);
        Assert.Equal(["no-v2"], a.Flags);
        Assert.True(a.IsV3Authority);
        Assert.False(a.IsBridgeAuthority);
    }

    [Fact]
    public void ParsesSpacedFingerprintAndIpv6()
    {
        Assert.True(DirAuthorityLine.TryParse(
            "tor26 orport=443 v3ident=2F3DF9CA0E5D36F2685A2DA67184EB8DCB8CBA8C ipv6=[2a02:16a8:662:2203::1]:443 " +
            "217.196.147.77:80 FAA4 BCA4 A6AC 0FB4 CA2F 8AD5 A11D 9E12 2BA8 94F6", out var a, out string? error), error);
        Assert.Equal(IPEndPoint.Parse("[2a02:16a8:662:2203::1]:443"), a!.Ipv6OrPort);
        Assert.Equal("FAA4BCA4A6AC0FB4CA2F8AD5A11D9E122BA894F6", Convert.ToHexString(a.Fingerprint));
        Assert.Empty(a.Flags);
    }

    [Fact]
    public void NicknameIsOptionalAndBridgeIsAFlag()
    {
        Assert.True(DirAuthorityLine.TryParse("orport=9001 bridge 66.111.2.131:9030 BA44A889E64B93FAA2B114E02C2A279A8555C533",
            out var a, out string? error), error);
        Assert.Equal("", a!.Nickname);
        Assert.True(a.IsBridgeAuthority);
        Assert.False(a.IsV3Authority);
    }

    [Fact]
    public void FormatRoundTrips()
    {
        const string line = "a1 no-v2 orport=5000 v3ident=D4D3B9B1E3F6C9E3A0E2F5C3B5C1A2B3C4D5E6F7 127.0.0.1:7000 " +
                            "0123456789ABCDEF0123456789ABCDEF01234567";
        Assert.True(DirAuthorityLine.TryParse(line, out var a, out _));
        Assert.Equal(line, DirAuthorityLine.Format(a!));
    }

    [Theory]
    [InlineData("", "no arguments")]
    [InlineData("nick 127.0.0.1:7000", "too few")]
    [InlineData("nick 127.0.0.1 0123456789ABCDEF0123456789ABCDEF01234567", "port")]
    [InlineData("nick 127.0.0.1:0 0123456789ABCDEF0123456789ABCDEF01234567", "port")]
    [InlineData("nick 1::1:80 0123456789ABCDEF0123456789ABCDEF01234567", "IPv4")]
    [InlineData("nick ::1:80 0123456789ABCDEF0123456789ABCDEF01234567", "too few")]
    [InlineData("nick 10.0.0.1:80 0123456789ABCDEF0123456789ABCDEF0123456", "wrong length")]
    [InlineData("nick 10.0.0.1:80 0123456789ABCDEF0123456789ABCDEF0123456Z", "bad fingerprint")]
    [InlineData("nick orport=x 10.0.0.1:80 0123456789ABCDEF0123456789ABCDEF01234567", "orport")]
    [InlineData("nick v3ident=12 10.0.0.1:80 0123456789ABCDEF0123456789ABCDEF01234567", "v3ident")]
    [InlineData("nick ipv6=1.2.3.4:5 10.0.0.1:80 0123456789ABCDEF0123456789ABCDEF01234567", "ipv6")]
    public void RejectsBadLines(string line, string reason)
    {
        Assert.False(DirAuthorityLine.TryParse(line, out var a, out string? error));
        Assert.Null(a);
        Assert.Contains(reason, error, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void DefaultAuthoritiesAreTheNineV3AuthoritiesAndSerge()
    {
        var all = DefaultAuthorities.Create();
        Assert.Equal(10, all.Count);
        Assert.Equal(9, all.Count(a => a.IsV3Authority));
        Assert.Equal("Serge", Assert.Single(all, a => a.IsBridgeAuthority).Nickname);
        var moria = all.Single(a => a.Nickname == "moria1");
        Assert.Equal(IPEndPoint.Parse("128.31.0.39:9231"), moria.DirPort);
        Assert.Equal(9201, moria.OrPort);
        Assert.Equal("F533C81CEF0BC0267857C99B2F471ADF249FA232", Convert.ToHexString(moria.V3Identity!));
        Assert.Equal("1A25C6358DB91342AA51720A5038B72742732498", Convert.ToHexString(moria.Fingerprint));
        Assert.Equal(5, all.Count(a => a.Ipv6OrPort is not null));
        Assert.NotSame(all, DefaultAuthorities.Create());
    }
}
