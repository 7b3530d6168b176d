using System.Security.Cryptography;
using System.Text;

namespace TorRelay.Crypto.Tests;

public class RsaTests
{
    // Key from `openssl genrsa -traditional 1024`; fingerprint from
    // `openssl rsa -RSAPublicKey_out -outform DER | sha1sum`; signature from
    // `openssl pkeyutl -sign -pkeyopt rsa_padding_mode:pkcs1` (no digest: tor's raw signature).
    private const string Fingerprint = "3d6f277658e16c509453e13b6d2c3091c9182288";
    private const string Message = "tor raw signature test";
    private const string OpenSslSignature =
        "612b2513bf98efabc6f40cf0445bb2d20c1ace2eae151a0cc3b605ec027c150c46b5a76bc9e8bcb0616a0e5849319d6792bffac3c2befea7" +
        "88d06d6657dbd3bcabef39dfe9acb95d8462a4b635e717fa99da679f65e57f66ffff72cc2f22712c5927dc95dfb1ca7287ab231138cb0112" +
        "de53ef311222acaced289c3aa47e8449";

    private static string KeyPem => File.ReadAllText(Hex.TestData("openssl_rsa1024.pem"));

    [Fact]
    public void FromPem_ToPem_IsByteIdenticalToOpenSsl()
    {
        using var key = RsaPrivateKey.FromPem(KeyPem);
        Assert.Equal(KeyPem, key.ToPem());
    }

    [Fact]
    public void Fingerprint_IsSha1OfPkcs1PublicDer()
    {
        using var key = RsaPrivateKey.FromPem(KeyPem);
        Assert.Equal(Fingerprint, Hex.E(key.PublicKey.Fingerprint));
        Assert.Equal(Fingerprint.ToUpperInvariant(), key.PublicKey.FingerprintHex);
        Assert.Equal(1024, key.PublicKey.Bits);
        Assert.Equal(Fingerprint, Hex.E(SHA1.HashData(key.PublicKey.ToPkcs1Der())));
    }

    [Fact]
    public void SignRaw_MatchesOpenSslPkcs1Type1WithoutDigestInfo()
    {
        using var key = RsaPrivateKey.FromPem(KeyPem);
        var sig = key.SignRaw(Encoding.ASCII.GetBytes(Message));
        Assert.Equal(OpenSslSignature, Hex.E(sig));
        Assert.True(key.PublicKey.VerifyRaw(Encoding.ASCII.GetBytes(Message), sig));
    }

    [Fact]
    public void VerifyRaw_RejectsOtherDataAndTamperedSignature()
    {
        using var key = RsaPrivateKey.FromPem(KeyPem);
        var data = SHA256.HashData("descriptor"u8);
        var sig = key.SignRaw(data);
        Assert.True(key.PublicKey.VerifyRaw(data, sig));
        Assert.False(key.PublicKey.VerifyRaw(data[..31], sig));
        sig[10] ^= 0x40;
        Assert.False(key.PublicKey.VerifyRaw(data, sig));
        Assert.Null(key.PublicKey.RecoverRaw(sig));
        Assert.Null(key.PublicKey.RecoverRaw(new byte[129]));
    }

    [Fact]
    public void Generate_SignsAndVerifies_WithExponent65537()
    {
        using var key = RsaPrivateKey.Generate();
        Assert.Equal(1024, key.PublicKey.Bits);
        var sig = key.SignRaw("hello"u8);
        Assert.Equal(128, sig.Length);
        Assert.True(key.PublicKey.VerifyRaw("hello"u8, sig));
        Assert.Equal("hello"u8.ToArray(), key.PublicKey.RecoverRaw(sig));
        using var rsa = key.ToDotNetRsa();
        Assert.Equal(new byte[] { 1, 0, 1 }, rsa.ExportParameters(false).Exponent);
    }

    [Fact]
    public void PublicPem_RoundTrips()
    {
        using var key = RsaPrivateKey.FromPem(KeyPem);
        var pem = key.PublicKey.ToPem();
        Assert.StartsWith("-----BEGIN RSA PUBLIC KEY-----\n", pem);
        Assert.EndsWith("-----END RSA PUBLIC KEY-----\n", pem);
        var parsed = RsaPublicKey.FromPem(pem);
        Assert.Equal(key.PublicKey, parsed);
        Assert.Equal(Fingerprint, Hex.E(parsed.Fingerprint));
    }

    [Fact]
    public void ToDotNetRsa_HoldsTheSameKey()
    {
        using var key = RsaPrivateKey.FromPem(KeyPem);
        using var rsa = key.ToDotNetRsa();
        Assert.Equal(key.PublicKey.ToPkcs1Der(), rsa.ExportRSAPublicKey());
        Assert.Equal(key.ToPkcs1Der(), rsa.ExportRSAPrivateKey());
    }

    [Fact]
    public void Certificate_KeyAndSignature_AreRead()
    {
        using var key = RsaPrivateKey.FromPem(KeyPem);
        var certDer = File.ReadAllBytes(Hex.TestData("openssl_rsa1024_selfsigned.der"));
        var fromCert = RsaPublicKey.FromCertificateDer(certDer);
        Assert.NotNull(fromCert);
        Assert.Equal(key.PublicKey, fromCert);
        Assert.True(key.PublicKey.VerifyCertificateSignature(certDer));

        var otherDer = File.ReadAllBytes(Hex.TestData("other_rsa1024_selfsigned.der"));
        Assert.False(key.PublicKey.VerifyCertificateSignature(otherDer));

        var tampered = (byte[])certDer.Clone();
        tampered[^5] ^= 1;
        Assert.False(key.PublicKey.VerifyCertificateSignature(tampered));
    }

    [Fact]
    public void Certificate_SignedByDotNetWithToDotNetRsa_Verifies()
    {
        using var key = RsaPrivateKey.Generate();
        using var rsa = key.ToDotNetRsa();
        var req = new System.Security.Cryptography.X509Certificates.CertificateRequest(
            "CN=www.example.net", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var cert = req.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        Assert.True(key.PublicKey.VerifyCertificateSignature(cert.RawData));
        Assert.Equal(key.PublicKey, RsaPublicKey.FromCertificateDer(cert.RawData));
    }

    [Fact]
    public void Certificate_NonRsaOrJunk_GivesNullOrFalse()
    {
        using var key = RsaPrivateKey.FromPem(KeyPem);
        var ecDer = File.ReadAllBytes(Hex.TestData("ec_p256_selfsigned.der"));
        Assert.Null(RsaPublicKey.FromCertificateDer(ecDer));
        Assert.False(key.PublicKey.VerifyCertificateSignature(ecDer));
        Assert.Null(RsaPublicKey.FromCertificateDer([]));
        Assert.Null(RsaPublicKey.FromCertificateDer([0x30, 0x82, 0xff]));
        Assert.False(key.PublicKey.VerifyCertificateSignature([1, 2, 3]));
        var certDer = File.ReadAllBytes(Hex.TestData("openssl_rsa1024_selfsigned.der"));
        Assert.Null(RsaPublicKey.FromCertificateDer([.. certDer, 0]));
    }

    [Fact]
    public void Malformed_KeysAreRejected()
    {
        Assert.Null(RsaPublicKey.TryFromPkcs1Der([0x30, 0x03, 0x02, 0x01, 0x05]));
        Assert.Null(RsaPublicKey.TryFromPkcs1Der([]));
        Assert.ThrowsAny<CryptographicException>(() => RsaPrivateKey.FromPem("no pem here"));
        Assert.ThrowsAny<CryptographicException>(() =>
            RsaPrivateKey.FromPem("-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n"));
    }

    [Fact]
    public void Disposed_PrivateKeyCannotSign()
    {
        var key = RsaPrivateKey.Generate();
        key.Dispose();
        Assert.Throws<ObjectDisposedException>(() => key.SignRaw("x"u8));
    }
}
