using System.Buffers.Binary;
using System.Security.Cryptography;
using TorRelay.Crypto;

namespace TorRelay.Cells.Certs;

/// <summary>The RSA→ed25519 cross-certificate (cert-spec.txt §2.3, CERTS type 7).</summary>
public sealed class RsaEd25519CrossCert
{
    /// <summary>Hashed before the signed part (C tor's RSA_ED_CROSSCERT_PREFIX).</summary>
    public static ReadOnlySpan<byte> Prefix => "Tor TLS RSA/Ed25519 cross-certificate"u8;

    // ED25519_KEY(32) | EXPIRATION_DATE(4) are signed; then SIGLEN(1) | SIGNATURE.
    private const int SignedLength = 32 + 4;

    public required Ed25519PublicKey Key { get; init; }

    /// <summary>Expiration, hours since the epoch on the wire.</summary>
    public required DateTimeOffset Expiration { get; init; }

    public required byte[] Encoded { get; init; }

    /// <summary>The RSA signature bytes.</summary>
    public ReadOnlySpan<byte> Signature => Encoded.AsSpan(SignedLength + 1);

    /// <summary>As C tor's tor_make_rsa_ed25519_crosscert: expiration is CEIL_DIV(expires, 3600) hours.</summary>
    public static RsaEd25519CrossCert Create(Ed25519PublicKey key, DateTimeOffset expiration, RsaPrivateKey identity)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(identity);
        Span<byte> signedPart = stackalloc byte[SignedLength];
        key.Bytes.CopyTo(signedPart);
        uint hours = CertTime.ToHours(expiration);
        BinaryPrimitives.WriteUInt32BigEndian(signedPart[32..], hours);

        var signature = identity.SignRaw(Digest(signedPart));
        if (signature.Length > byte.MaxValue) throw new ArgumentException("RSA key too large for a crosscert", nameof(identity));
        var encoded = new byte[SignedLength + 1 + signature.Length];
        signedPart.CopyTo(encoded);
        encoded[SignedLength] = (byte)signature.Length;
        signature.CopyTo(encoded, SignedLength + 1);
        return new RsaEd25519CrossCert { Key = key, Expiration = CertTime.FromHours(hours), Encoded = encoded };
    }

    public static bool TryDecode(ReadOnlySpan<byte> encoded, out RsaEd25519CrossCert? cert, out string? error)
    {
        cert = null;
        if (encoded.Length < SignedLength + 1) { error = "crosscert truncated"; return false; }
        int sigLen = encoded[SignedLength];
        int expected = SignedLength + 1 + sigLen;
        if (encoded.Length != expected)
        {
            error = encoded.Length < expected ? "crosscert signature truncated" : "trailing data after crosscert";
            return false;
        }
        cert = new RsaEd25519CrossCert
        {
            Key = new Ed25519PublicKey(encoded[..32]),
            Expiration = CertTime.FromHours(BinaryPrimitives.ReadUInt32BigEndian(encoded[32..])),
            Encoded = encoded.ToArray(),
        };
        error = null;
        return true;
    }

    /// <summary>
    /// Checks the RSA signature: SHA-256("Tor TLS RSA/Ed25519 cross-certificate" | body) signed raw. As C tor's
    /// rsa_ed25519_crosscert_check, the recovered data must begin with the digest. Key and expiration are the
    /// caller's to compare.
    /// </summary>
    public bool Verify(RsaPublicKey identity)
    {
        ArgumentNullException.ThrowIfNull(identity);
        var recovered = identity.RecoverRaw(Signature);
        if (recovered is null || recovered.Length < 32) return false;
        var digest = Digest(Encoded.AsSpan(0, SignedLength));
        return CryptographicOperations.FixedTimeEquals(recovered.AsSpan(0, 32), digest);
    }

    public bool IsExpired(DateTimeOffset now) => now > Expiration;

    private static byte[] Digest(ReadOnlySpan<byte> signedPart)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Prefix);
        sha.AppendData(signedPart);
        return sha.GetHashAndReset();
    }
}
