using TorRelay.Crypto;

namespace TorRelay.Cells.Certs;

/// <summary>A tor ed25519 certificate (cert-spec.txt §2.1), version 1.</summary>
public sealed class Ed25519Cert
{
    public required CertType CertType { get; init; }

    /// <summary>Expiration, a whole number of hours since the epoch on the wire.</summary>
    public required DateTimeOffset Expiration { get; init; }

    public required CertKeyType KeyType { get; init; }

    /// <summary>The certified key (32 bytes): an ed25519 key or a SHA-256 digest, per <see cref="KeyType"/>.</summary>
    public required byte[] CertifiedKey { get; init; }

    /// <summary>The signing key from extension 04, when present.</summary>
    public Ed25519PublicKey? SignedWithKey { get; init; }

    /// <summary>The whole encoding, signature included.</summary>
    public required byte[] Encoded { get; init; }

    /// <summary>Builds and signs a certificate; includes the signed-with-ed25519-key extension when asked.</summary>
    public static Ed25519Cert Create(CertType type, CertKeyType keyType, ReadOnlySpan<byte> certifiedKey,
        DateTimeOffset expiration, Ed25519KeyPair signer, bool includeSignedWithKey)
        => throw new NotImplementedException();

    /// <summary>Parses without checking the signature; false with a reason on malformed input (never throws).</summary>
    public static bool TryDecode(ReadOnlySpan<byte> encoded, out Ed25519Cert? cert, out string? error)
        => throw new NotImplementedException();

    /// <summary>Checks the signature with <paramref name="signer"/>, or with <see cref="SignedWithKey"/> when null.</summary>
    public bool VerifySignature(Ed25519PublicKey? signer = null) => throw new NotImplementedException();

    public bool IsExpired(DateTimeOffset now) => now >= Expiration;
}
