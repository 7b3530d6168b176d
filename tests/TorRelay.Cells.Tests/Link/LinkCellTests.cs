using System.Net;
using TorRelay.Cells.Certs;
using TorRelay.Cells.Link;

namespace TorRelay.Cells.Tests.Link;

public class LinkCellTests
{
    [Fact]
    public void VersionsNegotiatesHighestCommonVersion()
    {
        Assert.True(VersionsCell.TryDecode(VersionsCell.Encode([1, 2, 3, 4, 5, 6]), out var theirs, out _));
        Assert.Equal(5, VersionsCell.Negotiate(LinkVersion.Supported, theirs));
        Assert.Equal(0, VersionsCell.Negotiate(LinkVersion.Supported, [1, 2]));
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 0, 4, 0 })]
    public void MalformedVersionsIsRejected(byte[] payload) =>
        Assert.False(VersionsCell.TryDecode(payload, out _, out _));

    [Fact]
    public void CertsCellRoundTripsAndFindsDuplicates()
    {
        var cell = new CertsCell([(CertType.RsaLink, [1, 2]), (CertType.RsaIdentity, [3]), (CertType.RsaLink, [4])]);
        Assert.True(CertsCell.TryDecode(cell.Encode(), out var back, out _));
        Assert.Equal(3, back!.Certificates.Count);
        Assert.NotNull(back.Find(CertType.RsaLink, out bool dup));
        Assert.True(dup);
        Assert.Equal(new byte[] { 3 }, back.Find(CertType.RsaIdentity, out dup));
        Assert.False(dup);
        Assert.Null(back.Find(CertType.Ed25519Signing, out _));
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 1 })]
    [InlineData(new byte[] { 1, 2, 0, 5, 1, 2 })]
    [InlineData(new byte[] { 2, 1, 0, 1, 9 })]
    public void TruncatedCertsCellIsRejected(byte[] payload) =>
        Assert.False(CertsCell.TryDecode(payload, out _, out _));

    [Fact]
    public void AuthChallengeRoundTrips()
    {
        var challenge = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
        var encoded = new AuthChallengeCell(challenge, [1, 3]).Encode();
        Assert.Equal(38, encoded.Length);
        Assert.True(AuthChallengeCell.TryDecode(encoded, out var back, out _));
        Assert.Equal(challenge, back!.Challenge);
        Assert.Equal(new ushort[] { 1, 3 }, back.Methods);
        Assert.False(AuthChallengeCell.TryDecode(encoded.AsSpan(0, 36), out _, out _));
    }

    [Fact]
    public void AuthenticateRoundTripsAndRejectsShortBodies()
    {
        var encoded = new AuthenticateCell(3, new byte[352]).Encode();
        Assert.True(AuthenticateCell.TryDecode(encoded, out var back, out _));
        Assert.Equal(3, back!.AuthType);
        Assert.Equal(352, back.Authenticator.Length);
        Assert.False(AuthenticateCell.TryDecode(encoded.AsSpan(0, 100), out _, out _));
    }

    [Fact]
    public void NetinfoRoundTripsBothAddressFamilies()
    {
        var cell = new NetinfoCell(1_700_000_000, IPAddress.Parse("127.0.0.1"),
            [IPAddress.Parse("127.0.0.2"), IPAddress.Parse("::1")]);
        var encoded = cell.Encode();
        Assert.Equal(509, encoded.Length);
        Assert.True(NetinfoCell.TryDecode(encoded, out var back, out _));
        Assert.Equal(1_700_000_000u, back!.Timestamp);
        Assert.Equal(IPAddress.Parse("127.0.0.1"), back.OtherAddress);
        Assert.Equal(2, back.MyAddresses.Count);
        Assert.Equal(IPAddress.IPv6Loopback, back.MyAddresses[1]);
    }

    [Fact]
    public void NetinfoSkipsAddressesWithWrongLength()
    {
        // time, other = type 4 with length 3 (ignored), one address of unknown type 9.
        byte[] payload = [0, 0, 0, 1, 4, 3, 1, 2, 3, 1, 9, 2, 1, 1];
        Assert.True(NetinfoCell.TryDecode(payload, out var cell, out _));
        Assert.Null(cell!.OtherAddress);
        Assert.Empty(cell.MyAddresses);
    }

    [Fact]
    public void TruncatedNetinfoIsRejected() =>
        Assert.False(NetinfoCell.TryDecode([0, 0, 0, 1, 4, 4, 127], out _, out _));

    [Fact]
    public void Auth3FixedPartLaysOutFieldsInSpecOrder()
    {
        var dest = new byte[Auth3Authenticator.FixedPartLength];
        byte[] F(byte b) => Enumerable.Repeat(b, 32).ToArray();
        Auth3Authenticator.WriteFixedPart(dest, F(1), F(2), F(3), F(4), F(5), F(6), F(7), F(8));
        Assert.Equal("AUTH0003"u8.ToArray(), dest[..8]);
        for (int i = 0; i < 8; i++) Assert.All(dest.AsSpan(8 + 32 * i, 32).ToArray(), b => Assert.Equal(i + 1, b));
    }
}
