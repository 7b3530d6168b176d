using TorRelay.Directory.Consensus;
using TorRelay.Directory.Netdoc;

namespace TorRelay.Directory.Tests.Consensus;

public sealed class AuthorityCertificateTests(GencertFixture gencert) : IClassFixture<GencertFixture>
{
    private string CertText(int i) => File.ReadAllText(gencert.Keys[i].CertificatePath, NetdocFormat.Wire);

    [Fact]
    public void TorGencertCertificateParsesAndVerifies()
    {
        string text = CertText(0);
        Assert.True(AuthorityCertificate.TryParse(text, out var cert, out string? error), error);
        Assert.Equal(text, cert!.Text);
        Assert.Equal(3072, cert.IdentityKey.Bits);
        Assert.Equal(cert.IdentityKey.Fingerprint, cert.IdentityFingerprint);
        Assert.Equal(cert.SigningKey.Fingerprint, cert.SigningKeyDigest);
        Assert.Equal(System.Net.IPEndPoint.Parse("127.0.0.1:7000"), cert.DirAddress);
        // -m 12: valid for twelve months from now.
        Assert.InRange(cert.Expires - cert.Published, TimeSpan.FromDays(360), TimeSpan.FromDays(370));
        Assert.True(cert.IsValidAt(DateTimeOffset.UtcNow.AddMinutes(1)));
        Assert.False(cert.IsValidAt(DateTimeOffset.UtcNow.AddYears(2)));
        Assert.Equal(gencert.SigningKeys[0].PublicKey, cert.SigningKey);
    }

    [Fact]
    public void ConcatenatedCertificatesParseAsKeysAllReturnsThem()
    {
        Assert.True(AuthorityCertificate.TryParseMany(CertText(0) + CertText(1) + "\n" + CertText(2), out var certs,
            out string? error), error);
        Assert.Equal(gencert.Certificates.Select(c => c.IdentityFingerprint), certs.Select(c => c.IdentityFingerprint));
    }

    [Fact]
    public void TamperedCertificationFails()
    {
        string text = CertText(0);
        string tampered = text.Replace("dir-address 127.0.0.1:7000", "dir-address 127.0.0.1:7001");
        Assert.NotEqual(text, tampered);
        Assert.False(AuthorityCertificate.TryParse(tampered, out _, out string? error));
        Assert.Equal("bad dir-key-certification signature", error);
    }

    [Fact]
    public void CrossCertFromAnotherSigningKeyFails()
    {
        // Graft authority 1's signing key and crosscert into authority 0's certificate: the certification breaks.
        static string Between(string t, string from, string to) => t[t.IndexOf(from, StringComparison.Ordinal)..t.IndexOf(to, StringComparison.Ordinal)];
        string a = CertText(0), b = CertText(1);
        string grafted = a.Replace(Between(a, "dir-key-crosscert\n", "dir-key-certification\n"),
            Between(b, "dir-key-crosscert\n", "dir-key-certification\n"));
        Assert.False(AuthorityCertificate.TryParse(grafted, out _, out _));
    }

    [Theory]
    [InlineData("fingerprint ", "fingerprint 00")]
    [InlineData("dir-key-certificate-version 3", "dir-key-certificate-version 4")]
    [InlineData("dir-key-expires ", "dir-key-expires x")]
    [InlineData("-----BEGIN RSA PUBLIC KEY-----\nM", "-----BEGIN RSA PUBLIC KEY-----\nA")]
    public void MalformedCertificatesAreRejected(string from, string to)
    {
        string text = CertText(0);
        int at = text.IndexOf(from, StringComparison.Ordinal);
        string bad = text[..at] + to + text[(at + from.Length)..];
        Assert.False(AuthorityCertificate.TryParse(bad, out _, out string? error));
        Assert.NotNull(error);
    }
}
