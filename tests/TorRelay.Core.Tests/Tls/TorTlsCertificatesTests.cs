using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using TorRelay.Core.Tls;

namespace TorRelay.Core.Tests.Tls;

public sealed partial class TorTlsCertificatesTests : IDisposable
{
    private const long Day = 24 * 3600;
    private readonly RSA _identity = RSA.Create(1024);

    public void Dispose() => _identity.Dispose();

    [GeneratedRegex("^www\\.[a-z2-7]{8,20}\\.net$")]
    private static partial Regex NetName();

    [GeneratedRegex("^www\\.[a-z2-7]{8,20}\\.com$")]
    private static partial Regex ComName();

    [Fact]
    public void LinkCertificate_CertifiesA2048BitLinkKey_SignedByTheIdentity_WithCTorNames()
    {
        using var certs = TorTlsCertificates.Generate(_identity, TimeProvider.System);
        var link = new CertificateInspector(certs.LinkCertDer);
        Assert.Equal(2048, certs.LinkKey.KeySize);
        Assert.Equal(certs.LinkKey.ExportSubjectPublicKeyInfo(), link.SubjectPublicKeyInfo);
        Assert.True(link.IsSignedBy(_identity));
        Assert.Matches(NetName(), link.SubjectCommonName);
        Assert.Matches(ComName(), link.IssuerCommonName);
        Assert.Equal(new Asn1Tag(UniversalTagNumber.UTF8String), link.SubjectTag);
        Assert.Equal(new Asn1Tag(UniversalTagNumber.UTF8String), link.IssuerTag);
    }

    [Fact]
    public void Certificates_AreV3_WithoutExtensions_WithPositive64BitSerials()
    {
        using var certs = TorTlsCertificates.Generate(_identity, TimeProvider.System);
        foreach (byte[] der in new[] { certs.LinkCertDer, certs.IdentityCertDer, certs.AuthCertDer })
        {
            var cert = new CertificateInspector(der);
            Assert.Equal(2, cert.Version);
            Assert.False(cert.HasMoreTbsFields);
            Assert.InRange(cert.SerialContent.Length, 1, 9);
            Assert.True(cert.SerialContent[0] < 0x80, "serial must be positive");
            Assert.True(cert.SerialContent.Length == 1 || cert.SerialContent[0] != 0 || cert.SerialContent[1] >= 0x80,
                "serial must be minimally encoded");
        }
    }

    [Fact]
    public void IdentityCertificate_IsSelfSigned_ForOneYear_UnderTheLinkIssuerName()
    {
        using var certs = TorTlsCertificates.Generate(_identity, TimeProvider.System);
        var id = new CertificateInspector(certs.IdentityCertDer);
        var link = new CertificateInspector(certs.LinkCertDer);
        Assert.Equal(_identity.ExportSubjectPublicKeyInfo(), id.SubjectPublicKeyInfo);
        Assert.True(id.IsSignedBy(_identity));
        Assert.Equal(link.IssuerCommonName, id.SubjectCommonName);
        Assert.Equal(link.IssuerCommonName, id.IssuerCommonName);
        Assert.Equal(TimeSpan.FromDays(365), id.NotAfter - id.NotBefore);
    }

    [Fact]
    public void AuthCertificate_Certifies1024BitAuthKey_WithTheLinkNames()
    {
        using var certs = TorTlsCertificates.Generate(_identity, TimeProvider.System);
        var auth = new CertificateInspector(certs.AuthCertDer);
        var link = new CertificateInspector(certs.LinkCertDer);
        Assert.Equal(1024, certs.AuthKey.KeySize);
        Assert.Equal(certs.AuthKey.ExportSubjectPublicKeyInfo(), auth.SubjectPublicKeyInfo);
        Assert.True(auth.IsSignedBy(_identity));
        Assert.Equal(link.SubjectCommonName, auth.SubjectCommonName);
        Assert.Equal(link.IssuerCommonName, auth.IssuerCommonName);
    }

    [Fact]
    public void Validity_StartsOnADayBoundaryInThePast_WithCTorsRandomLifetime()
    {
        var now = new DateTimeOffset(2026, 3, 10, 15, 30, 7, TimeSpan.Zero);
        var clock = new FixedTimeProvider(now);
        for (int i = 0; i < 5; i++)
        {
            using var certs = TorTlsCertificates.Generate(_identity, clock);
            var link = new CertificateInspector(certs.LinkCertDer);
            long lifetime = (long)(link.NotAfter - link.NotBefore).TotalSeconds;
            Assert.Equal(0, link.NotBefore.ToUnixTimeSeconds() % Day);
            Assert.True(link.NotBefore <= now);
            Assert.True(link.NotAfter >= now.AddDays(1), "at least a day of real lifetime");
            Assert.InRange(lifetime, 5 * Day - 1, 365 * Day - 1);
            Assert.True(lifetime % Day == 0 || lifetime % Day == Day - 1);
            Assert.Equal(link.NotAfter, certs.Expiration);
        }
    }

    [Fact]
    public void Validity_HonoursAnExplicitKeyLifetime()
    {
        var now = new DateTimeOffset(2026, 3, 10, 15, 30, 7, TimeSpan.Zero);
        using var certs = TorTlsCertificates.Generate(_identity, new FixedTimeProvider(now), TimeSpan.FromDays(30));
        var link = new CertificateInspector(certs.LinkCertDer);
        var auth = new CertificateInspector(certs.AuthCertDer);
        Assert.Equal(TimeSpan.FromDays(30), link.NotAfter - link.NotBefore);
        Assert.Equal(TimeSpan.FromDays(30), auth.NotAfter - auth.NotBefore);
        Assert.InRange(link.NotBefore, now.AddDays(-29), now);
    }

    [Fact]
    public void EachGeneration_UsesFreshKeysNamesAndSerials()
    {
        using var a = TorTlsCertificates.Generate(_identity, TimeProvider.System);
        using var b = TorTlsCertificates.Generate(_identity, TimeProvider.System);
        var linkA = new CertificateInspector(a.LinkCertDer);
        var linkB = new CertificateInspector(b.LinkCertDer);
        Assert.NotEqual(linkA.SubjectPublicKeyInfo, linkB.SubjectPublicKeyInfo);
        Assert.NotEqual(linkA.SubjectCommonName, linkB.SubjectCommonName);
        Assert.NotEqual(linkA.SerialContent, linkB.SerialContent);
    }

    private sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
