using TorRelay.Cells.Certs;
using TorRelay.Crypto;

namespace TorRelay.Cells.Tests.Certs;

public class Ed25519CertTests
{
    // Written by C tor 0.4.9.11 (`tor --list-fingerprint` on a fresh DataDirectory): the bodies of
    // keys/ed25519_master_id_secret_key, ed25519_master_id_public_key, ed25519_signing_secret_key, ed25519_signing_cert.
    private const string CTorMasterSecret =
        "8859e8de7431213d185c4c2d287f7b2bcfb9d794ef3ce0b2b8f04740a46b17574f3b6309992c09baf1bdf014d13a32337934853681089c5952cdbaa8e10ab022";
    private const string CTorMasterPublic = "a21cfaa1c2c193789000f8eb9f11d51b27023dfce2fa7209d12160df7df2c512";
    private const string CTorSigningSecret =
        "30c2c14edebe66c58ec1640e0367f006c8b920e5e78c0a31828991cc0fc1c858c73dfa60f26032599a8a65ad9dc5efb280740973218862f77e2f08a948f70bc5";
    private const string CTorSigningCert =
        "010400079ee501863eadcfe9af55227ca8dd35b7a150c0a417750eeab44ac04fb8d52860ee21330100200400a21cfaa1c2c193789000f8eb" +
        "9f11d51b27023dfce2fa7209d12160df7df2c512a416c6684b2d1fc94559dab234868b410dcbbee7411c5921be32bb59d02843ee22624a49" +
        "4cd58e08f945ba490fad21c159baa7844f0ab0057e0539c52c843d03";

    private static byte[] H(string hex) => Convert.FromHexString(hex);

    [Fact]
    public void TryDecode_CTorSigningCert_ReadsAllFieldsAndVerifies()
    {
        Assert.True(Ed25519Cert.TryDecode(H(CTorSigningCert), out var cert, out var error), error);
        using var signing = Ed25519KeyPair.FromExpandedSecret(H(CTorSigningSecret));
        var master = new Ed25519PublicKey(H(CTorMasterPublic));

        Assert.Equal(CertType.Ed25519Signing, cert!.CertType);
        Assert.Equal(CertKeyType.Ed25519, cert.KeyType);
        Assert.Equal(signing.PublicKey.Bytes, cert.CertifiedKey);
        Assert.Equal(signing.PublicKey, cert.CertifiedEd25519Key);
        Assert.Equal(master, cert.SignedWithKey);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(0x00079ee5L * 3600), cert.Expiration);
        Assert.True(cert.VerifySignature());
        Assert.True(cert.VerifySignature(master));
        Assert.False(cert.VerifySignature(signing.PublicKey));
    }

    [Fact]
    public void Create_ReproducesCTorSigningCertByteForByte()
    {
        using var master = Ed25519KeyPair.FromExpandedSecret(H(CTorMasterSecret));
        using var signing = Ed25519KeyPair.FromExpandedSecret(H(CTorSigningSecret));
        Assert.Equal(CTorMasterPublic, Convert.ToHexString(master.PublicKey.Bytes).ToLowerInvariant());

        // Any time within the hour rounds up to the same expiration, as C tor's CEIL_DIV.
        var expiration = DateTimeOffset.FromUnixTimeSeconds(0x00079ee5L * 3600 - 1234);
        var cert = Ed25519Cert.Create(CertType.Ed25519Signing, CertKeyType.Ed25519, signing.PublicKey.Bytes,
            expiration, master, includeSignedWithKey: true);
        Assert.Equal(CTorSigningCert, Convert.ToHexString(cert.Encoded).ToLowerInvariant());
    }

    [Fact]
    public void Create_WithoutExtension_RoundTripsAndNeedsExplicitSigner()
    {
        using var signer = Ed25519KeyPair.Generate();
        var digest = System.Security.Cryptography.SHA256.HashData("link certificate"u8);
        var exp = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
        var cert = Ed25519Cert.Create(CertType.Ed25519TlsLink, CertKeyType.Sha256OfX509, digest, exp, signer, false);

        Assert.Equal(104, cert.Encoded.Length);
        Assert.Equal(0, cert.Encoded[39]);
        Assert.True(Ed25519Cert.TryDecode(cert.Encoded, out var parsed, out _));
        Assert.Null(parsed!.SignedWithKey);
        Assert.Equal(CertType.Ed25519TlsLink, parsed.CertType);
        Assert.Equal(CertKeyType.Sha256OfX509, parsed.KeyType);
        Assert.Null(parsed.CertifiedEd25519Key);
        Assert.Equal(digest, parsed.CertifiedKey);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(500_000 * 3600L), parsed.Expiration);
        Assert.False(parsed.VerifySignature());
        Assert.True(parsed.VerifySignature(signer.PublicKey));
    }

    [Fact]
    public void IsExpired_OnlyAfterTheExpirationInstant()
    {
        using var signer = Ed25519KeyPair.Generate();
        var exp = DateTimeOffset.FromUnixTimeSeconds(3600L * 480_000);
        var cert = Ed25519Cert.Create(CertType.Ed25519Authenticate, CertKeyType.Ed25519, signer.PublicKey.Bytes, exp, signer, true);
        Assert.False(cert.IsExpired(exp));
        Assert.True(cert.IsExpired(exp.AddSeconds(1)));
    }

    [Fact]
    public void VerifySignature_FailsWhenAnySignedByteChanges()
    {
        using var signer = Ed25519KeyPair.Generate();
        var cert = Ed25519Cert.Create(CertType.Ed25519Signing, CertKeyType.Ed25519, new byte[32],
            DateTimeOffset.UtcNow.AddDays(1), signer, true);
        for (int i = 1; i < cert.Encoded.Length; i += 7)
        {
            var bytes = (byte[])cert.Encoded.Clone();
            bytes[i] ^= 0x01;
            if (Ed25519Cert.TryDecode(bytes, out var tampered, out _))
                Assert.False(tampered!.VerifySignature(signer.PublicKey));
        }
    }

    public static TheoryData<string, string> Malformed()
    {
        var good = H(CTorSigningCert);
        var data = new TheoryData<string, string>
        {
            { "", "truncated" },
            { Convert.ToHexString(good[..103]), "truncated" },
            { Convert.ToHexString(good[..^1]), "truncated" },
            { Convert.ToHexString([.. good, 0]), "trailing" },
        };
        var v2 = (byte[])good.Clone(); v2[0] = 2;
        data.Add(Convert.ToHexString(v2), "version");
        // Extension length 31 for type 04.
        var shortExt = (byte[])good.Clone(); shortExt[41] = 31;
        data.Add(Convert.ToHexString(shortExt), "");
        // Extension length larger than the rest of the certificate.
        var longExt = (byte[])good.Clone(); longExt[40] = 0xff;
        data.Add(Convert.ToHexString(longExt), "truncated");
        // Two extensions claimed, only one present: the signature is read as an extension header.
        var twoExt = (byte[])good.Clone(); twoExt[39] = 2;
        data.Add(Convert.ToHexString(twoExt), "");
        // Unknown extension type 05 with the affects-validation flag.
        var unknownFlagged = (byte[])good.Clone(); unknownFlagged[42] = 5; unknownFlagged[43] = 1;
        data.Add(Convert.ToHexString(unknownFlagged), "affects validation");
        // Duplicate signed-with-key extension.
        var dup = new List<byte>(good[..40]);
        dup[39] = 2;
        dup.AddRange(good[40..76]);
        dup.AddRange(good[40..76]);
        dup.AddRange(good[76..]);
        data.Add(Convert.ToHexString(dup.ToArray()), "duplicate");
        return data;
    }

    [Theory]
    [MemberData(nameof(Malformed))]
    public void TryDecode_RejectsMalformedWithReason(string hex, string reasonPart)
    {
        Assert.False(Ed25519Cert.TryDecode(H(hex), out var cert, out var error));
        Assert.Null(cert);
        Assert.NotNull(error);
        Assert.Contains(reasonPart, error);
    }

    [Fact]
    public void TryDecode_UnknownExtensionWithoutFlag_IsAccepted()
    {
        // C tor ignores unrecognised extensions unless they affect validation.
        var good = H(CTorSigningCert);
        var bytes = (byte[])good.Clone();
        bytes[42] = 9;
        Assert.True(Ed25519Cert.TryDecode(bytes, out var cert, out _));
        Assert.Null(cert!.SignedWithKey);
    }

    [Fact]
    public void TryDecode_MaximalExpiration_DoesNotThrow()
    {
        var bytes = H(CTorSigningCert);
        bytes[2] = bytes[3] = bytes[4] = bytes[5] = 0xff;
        Assert.True(Ed25519Cert.TryDecode(bytes, out var cert, out _));
        Assert.Equal(DateTimeOffset.MaxValue, cert!.Expiration);
    }

    [Fact]
    public void TryDecode_RandomJunk_NeverThrows()
    {
        var rng = new Random(1234);
        var good = H(CTorSigningCert);
        for (int i = 0; i < 3000; i++)
        {
            var bytes = i % 2 == 0 ? new byte[rng.Next(0, 300)] : (byte[])good.Clone();
            if (i % 2 == 0) rng.NextBytes(bytes);
            else for (int k = 0; k < 3; k++) bytes[rng.Next(bytes.Length)] = (byte)rng.Next(256);
            if (i % 5 == 0 && bytes.Length > 0) bytes[0] = 1;
            _ = Ed25519Cert.TryDecode(bytes, out _, out _);
        }
    }
}
