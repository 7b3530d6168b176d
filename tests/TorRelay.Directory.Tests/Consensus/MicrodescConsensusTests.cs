using System.Net;
using TorRelay.Directory.Consensus;

namespace TorRelay.Directory.Tests.Consensus;

public sealed class MicrodescConsensusTests(GencertFixture gencert) : IClassFixture<GencertFixture>
{
    private static readonly DateTimeOffset ValidAfter = DateTimeOffset.UtcNow.AddMinutes(-1) is var t
        ? new DateTimeOffset(t.Year, t.Month, t.Day, t.Hour, t.Minute, t.Second, TimeSpan.Zero)
        : default;

    private string Signed(params int[] signers) => TestConsensus.Sign(TestConsensus.Body(ValidAfter, gencert.Certificates),
        signers.Select(i => (gencert.Certificates[i], gencert.SigningKeys[i])));

    private UnverifiedMicrodescConsensus Parse(string text)
    {
        Assert.True(UnverifiedMicrodescConsensus.TryParse(text, out var c, out string? error), error);
        return c!;
    }

    [Fact]
    public void ParsesHeaderEntriesAndFooter()
    {
        var u = Parse(Signed(0, 1, 2));
        Assert.True(u.Verify(gencert.Authorities, gencert.Certificates, DateTimeOffset.UtcNow, out var c, out string? e), e);
        Assert.Equal(34, c!.ConsensusMethod);
        Assert.Equal(ValidAfter, c.ValidAfter);
        Assert.Equal(ValidAfter.AddMinutes(3), c.ValidUntil);
        Assert.Equal(TimeSpan.FromSeconds(4), c.VoteDelay);
        Assert.Equal(9, c.KnownFlags.Count);
        Assert.Equal(-1, c.Params["NumDirectoryGuards"]);
        Assert.Equal(30000, c.GetParam("CircuitPriorityHalflifeMsec", 0));
        Assert.Equal(5, c.GetParam("missing", 5));
        Assert.Equal(100, c.GetParam("CircuitPriorityHalflifeMsec", 0, max: 100));
        Assert.Equal(3, c.DirSources.Count);
        Assert.Equal("auth1@test.invalid", c.DirSources[1].Contact);
        Assert.Equal("Cons=2 Desc=2 Link=4-5 Microdesc=2 Relay=2-4", c.RequiredRelayProtocols);
        Assert.Equal(3333, c.BandwidthWeights["Wbd"]);
        Assert.Equal(3, c.Signatures.Count);
        Assert.Equal(2, c.Routers.Count);
        Assert.Equal(32, c.DigestSha3AsSigned.Length);

        RouterStatusEntry r = c.FindByIdentity(TestConsensus.RelayId)!;
        Assert.Same(r, c.FindByIdentityBase64(Convert.ToBase64String(TestConsensus.RelayId).TrimEnd('=')));
        Assert.Same(r, c.FindByFingerprint("$" + Convert.ToHexString(TestConsensus.RelayId)));
        Assert.Equal("test001r", r.Nickname);
        Assert.Equal(IPAddress.Parse("127.0.0.1"), r.Address);
        Assert.Equal(5001, r.OrPort);
        Assert.Equal(0, r.DirPort);
        Assert.Equal(IPEndPoint.Parse("[::1]:5001"), Assert.Single(r.OrAddresses));
        Assert.True(r.IsExit && r.IsGuard && r.IsRunning && r.IsValid && r.HasFlag("HSDir"));
        Assert.False(r.HasFlag("Authority"));
        Assert.Equal("Tor 0.4.9.11", r.Version);
        Assert.Equal(20, r.Bandwidth);
        Assert.True(r.Unmeasured);
        Assert.Equal(TestConsensus.MicrodescDigest, r.MicrodescriptorDigest);
        RouterStatusEntry a = c.FindByIdentity(new byte[20])!;
        Assert.Equal(12, a.MeasuredBandwidth);
        Assert.Equal(7002, a.DirPort);
        Assert.Null(c.FindByIdentity(new byte[19]));
    }

    [Fact]
    public void MajorityOfAuthoritiesSuffices()
    {
        Assert.True(Parse(Signed(0, 2)).Verify(gencert.Authorities, gencert.Certificates, DateTimeOffset.UtcNow, out _,
            out string? error), error);
    }

    [Fact]
    public void MinorityOfAuthoritiesIsRefused()
    {
        Assert.False(Parse(Signed(1)).Verify(gencert.Authorities, gencert.Certificates, DateTimeOffset.UtcNow, out var c,
            out string? error));
        Assert.Null(c);
        Assert.Contains("only 1 good signatures of the 2 needed", error);
    }

    [Fact]
    public void DuplicateSignaturesOfOneAuthorityCountOnce()
    {
        Assert.False(Parse(Signed(1, 1, 1)).Verify(gencert.Authorities, gencert.Certificates, DateTimeOffset.UtcNow,
            out _, out _));
    }

    [Fact]
    public void Sha1SignaturesAreAccepted()
    {
        string text = TestConsensus.Sign(TestConsensus.Body(ValidAfter, gencert.Certificates),
            [(gencert.Certificates[0], gencert.SigningKeys[0]), (gencert.Certificates[1], gencert.SigningKeys[1])], "sha1");
        Assert.Equal("sha1", Parse(text).Signatures[0].Algorithm);
        Assert.True(Parse(text).Verify(gencert.Authorities, gencert.Certificates, DateTimeOffset.UtcNow, out _, out string? e), e);
    }

    [Fact]
    public void SignatureByAnUnconfiguredAuthorityDoesNotCount()
    {
        // Only authorities 0 and 1 are trusted; 2's good signature must not help.
        var trusted = gencert.Authorities.Take(2).ToList();
        Assert.False(Parse(Signed(0, 2)).Verify(trusted, gencert.Certificates, DateTimeOffset.UtcNow, out _, out _));
        Assert.True(Parse(Signed(0, 1)).Verify(trusted, gencert.Certificates, DateTimeOffset.UtcNow, out _, out _));
    }

    [Fact]
    public void MissingCertificateMeansNoGoodSignature()
    {
        Assert.False(Parse(Signed(0, 1)).Verify(gencert.Authorities, [gencert.Certificates[0]], DateTimeOffset.UtcNow,
            out _, out _));
    }

    [Fact]
    public void TamperedBodyFailsEverySignature()
    {
        string text = Signed(0, 1, 2).Replace("w Bandwidth=20", "w Bandwidth=99999");
        Assert.False(Parse(text).Verify(gencert.Authorities, gencert.Certificates, DateTimeOffset.UtcNow, out _,
            out string? error));
        Assert.Contains("only 0 good signatures", error);
    }

    [Fact]
    public void TimeValidityIsChecked()
    {
        var u = Parse(Signed(0, 1, 2));
        Assert.False(u.Verify(gencert.Authorities, gencert.Certificates, ValidAfter.AddSeconds(-1), out _, out string? e));
        Assert.Equal("consensus is not yet valid", e);
        Assert.False(u.Verify(gencert.Authorities, gencert.Certificates, ValidAfter.AddMinutes(4), out _, out e));
        Assert.Equal("consensus has expired", e);
        Assert.True(u.Verify(gencert.Authorities, gencert.Certificates, ValidAfter.AddMinutes(4), out _, out e,
            tolerance: TimeSpan.FromMinutes(2)), e);
    }

    [Theory]
    [InlineData("network-status-version 3 microdesc", "network-status-version 3")]
    [InlineData("vote-status consensus", "vote-status vote")]
    [InlineData("valid-until ", "valid-until 1999-01-01 00:00:00\nx ")]
    [InlineData("m ", "m !")]
    [InlineData("r test001r ", "r test001r! ")]
    [InlineData("127.0.0.1 5001 0", "127.0.0.1 99999 0")]
    [InlineData("directory-footer\n", "directory-footer\nr x\n")]
    [InlineData("known-flags", "known-flagz")]
    [InlineData("dir-source auth0", "dir-source")]
    public void MalformedConsensusesAreRejected(string from, string to)
    {
        string text = Signed(0);
        int at = text.IndexOf(from, StringComparison.Ordinal);
        Assert.True(at >= 0, from);
        string bad = text[..at] + to + text[(at + from.Length)..];
        Assert.False(UnverifiedMicrodescConsensus.TryParse(bad, out var c, out string? error));
        Assert.Null(c);
        Assert.NotNull(error);
    }

    [Fact]
    public void ConsensusWithoutSignaturesIsRejected()
    {
        Assert.False(UnverifiedMicrodescConsensus.TryParse(TestConsensus.Body(ValidAfter, gencert.Certificates), out _,
            out _));
    }
}
