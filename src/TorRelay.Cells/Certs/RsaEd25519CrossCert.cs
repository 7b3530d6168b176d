using TorRelay.Crypto;

namespace TorRelay.Cells.Certs;

/// <summary>The RSA→ed25519 cross-certificate (cert-spec.txt §2.3, CERTS type 7).</summary>
public sealed class RsaEd25519CrossCert
{
    public required Ed25519PublicKey Key { get; init; }

    /// <summary>Expiration, hours since the epoch on the wire.</summary>
    public required DateTimeOffset Expiration { get; init; }

    public required byte[] Encoded { get; init; }

    public static RsaEd25519CrossCert Create(Ed25519PublicKey key, DateTimeOffset expiration, RsaPrivateKey identity)
        => throw new NotImplementedException();

    public static bool TryDecode(ReadOnlySpan<byte> encoded, out RsaEd25519CrossCert? cert, out string? error)
        => throw new NotImplementedException();

    /// <summary>Checks the RSA signature: SHA-256("Tor TLS RSA/Ed25519 cross-certificate" | body) signed raw.</summary>
    public bool Verify(RsaPublicKey identity) => throw new NotImplementedException();
}
