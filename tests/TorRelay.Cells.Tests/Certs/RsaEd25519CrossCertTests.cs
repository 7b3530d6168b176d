using System.Numerics;
using System.Security.Cryptography;
using TorRelay.Cells.Certs;
using TorRelay.Crypto;

namespace TorRelay.Cells.Tests.Certs;

public class RsaEd25519CrossCertTests
{
    [Fact]
    public void Create_HasCTorLayout_AndIndependentlyCheckableSignature()
    {
        using var rsa = RsaPrivateKey.Generate();
        using var ed = Ed25519KeyPair.Generate();
        var expires = DateTimeOffset.FromUnixTimeSeconds(1_800_000_001);
        var cc = RsaEd25519CrossCert.Create(ed.PublicKey, expires, rsa);

        Assert.Equal(32 + 4 + 1 + 128, cc.Encoded.Length);
        Assert.Equal(ed.PublicKey.Bytes, cc.Encoded[..32]);
        uint hours = (uint)((1_800_000_001L + 3599) / 3600);
        Assert.Equal(hours, System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(cc.Encoded.AsSpan(32)));
        Assert.Equal(128, cc.Encoded[36]);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(hours * 3600L), cc.Expiration);

        // Raw RSA with BigInteger: sig^e mod n must be 00 01 FF..FF 00 || SHA-256(prefix | first 36 bytes).
        using var dotnet = rsa.ToDotNetRsa();
        var p = dotnet.ExportParameters(false);
        var n = new BigInteger(p.Modulus, isUnsigned: true, isBigEndian: true);
        var e = new BigInteger(p.Exponent, isUnsigned: true, isBigEndian: true);
        var m = BigInteger.ModPow(new BigInteger(cc.Signature, isUnsigned: true, isBigEndian: true), e, n);
        var em = new byte[128];
        var mBytes = m.ToByteArray(isUnsigned: true, isBigEndian: true);
        mBytes.CopyTo(em, 128 - mBytes.Length);
        var digest = SHA256.HashData([.. "Tor TLS RSA/Ed25519 cross-certificate"u8, .. cc.Encoded[..36]]);
        Assert.Equal(0, em[0]);
        Assert.Equal(1, em[1]);
        Assert.All(em[2..(128 - 33)], b => Assert.Equal(0xff, b));
        Assert.Equal(0, em[128 - 33]);
        Assert.Equal(digest, em[(128 - 32)..]);

        Assert.True(cc.Verify(rsa.PublicKey));
    }

    [Fact]
    public void TryDecode_RoundTrips_AndVerifiesOnlyWithTheRightKey()
    {
        using var rsa = RsaPrivateKey.Generate();
        using var other = RsaPrivateKey.Generate();
        using var ed = Ed25519KeyPair.Generate();
        var cc = RsaEd25519CrossCert.Create(ed.PublicKey, DateTimeOffset.UtcNow.AddDays(180), rsa);

        Assert.True(RsaEd25519CrossCert.TryDecode(cc.Encoded, out var parsed, out var error), error);
        Assert.Equal(ed.PublicKey, parsed!.Key);
        Assert.Equal(cc.Expiration, parsed.Expiration);
        Assert.True(parsed.Verify(rsa.PublicKey));
        Assert.False(parsed.Verify(other.PublicKey));
        Assert.False(parsed.IsExpired(DateTimeOffset.UtcNow));
        Assert.True(parsed.IsExpired(parsed.Expiration.AddSeconds(1)));

        var tampered = (byte[])cc.Encoded.Clone();
        tampered[3] ^= 1;
        Assert.True(RsaEd25519CrossCert.TryDecode(tampered, out var bad, out _));
        Assert.False(bad!.Verify(rsa.PublicKey));
    }

    [Theory]
    [InlineData(0, "truncated")]
    [InlineData(36, "truncated")]
    [InlineData(100, "truncated")]
    [InlineData(164, "truncated")]
    [InlineData(166, "trailing")]
    public void TryDecode_RejectsWrongLengths(int length, string reasonPart)
    {
        using var rsa = RsaPrivateKey.Generate();
        using var ed = Ed25519KeyPair.Generate();
        var good = RsaEd25519CrossCert.Create(ed.PublicKey, DateTimeOffset.UtcNow, rsa).Encoded;
        var bytes = new byte[length];
        good.AsSpan(0, Math.Min(length, good.Length)).CopyTo(bytes);
        Assert.False(RsaEd25519CrossCert.TryDecode(bytes, out var cc, out var error));
        Assert.Null(cc);
        Assert.Contains(reasonPart, error);
    }

    [Fact]
    public void Verify_JunkSignature_IsFalseNotException()
    {
        using var rsa = RsaPrivateKey.Generate();
        var bytes = new byte[32 + 4 + 1 + 5];
        bytes[36] = 5;
        Assert.True(RsaEd25519CrossCert.TryDecode(bytes, out var cc, out _));
        Assert.False(cc!.Verify(rsa.PublicKey));
        var rng = new Random(7);
        for (int i = 0; i < 200; i++)
        {
            var junk = new byte[rng.Next(0, 200)];
            rng.NextBytes(junk);
            if (RsaEd25519CrossCert.TryDecode(junk, out var j, out _))
                Assert.False(j!.Verify(rsa.PublicKey));
        }
    }
}
