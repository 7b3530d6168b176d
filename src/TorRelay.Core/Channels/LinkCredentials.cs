using System.Security.Cryptography;
using TorRelay.Cells.Certs;
using TorRelay.Crypto;

namespace TorRelay.Core.Channels;

/// <summary>
/// Everything we present in a link handshake, for one TLS link key: the X.509 certificates (link, identity, auth),
/// the ed25519 chain (signing cert, link cert over the TLS certificate, auth key cert) and the RSA→ed25519
/// cross-certificate. Rebuilt whenever the link key or the signing key changes.
/// </summary>
public sealed class LinkCredentials
{
    public required RsaPublicKey RsaIdentity { get; init; }
    public required Ed25519PublicKey Ed25519Identity { get; init; }

    /// <summary>CERTS type 1: the TLS certificate, signed by the RSA identity.</summary>
    public required byte[] LinkCertDer { get; init; }
    /// <summary>The TLS private key that goes with <see cref="LinkCertDer"/>.</summary>
    public required RSA LinkKey { get; init; }
    /// <summary>CERTS type 2: the self-signed RSA identity certificate.</summary>
    public required byte[] IdentityCertDer { get; init; }
    /// <summary>CERTS type 3: the RSA authentication certificate (sent when we initiate).</summary>
    public required byte[] AuthCertDer { get; init; }
    /// <summary>CERTS type 4: ed25519 signing key certified by the master identity.</summary>
    public required Ed25519Cert SigningCert { get; init; }
    /// <summary>CERTS type 5: SHA-256 of <see cref="LinkCertDer"/> certified by the signing key.</summary>
    public required Ed25519Cert TlsLinkCert { get; init; }
    /// <summary>CERTS type 6: the ed25519 AUTHENTICATE key certified by the signing key.</summary>
    public required Ed25519Cert AuthKeyCert { get; init; }
    public required Ed25519KeyPair AuthKey { get; init; }
    /// <summary>CERTS type 7.</summary>
    public required RsaEd25519CrossCert CrossCert { get; init; }

    /// <summary>SHA-256 of our RSA identity key (CID/SID in AUTH0003).</summary>
    public byte[] RsaIdentitySha256 => SHA256.HashData(RsaIdentity.ToPkcs1Der());

    /// <summary>The lifetime C tor gives link and auth certificates (TestingLinkCertLifetime, TestingAuthKeyLifetime).</summary>
    public static readonly TimeSpan LinkCertLifetime = TimeSpan.FromDays(2);

    /// <summary>Builds the ed25519 link and auth certificates for a TLS link certificate.</summary>
    public static LinkCredentials Create(RsaPublicKey rsaIdentity, Ed25519PublicKey ed25519Identity,
        Ed25519KeyPair signingKey, Ed25519Cert signingCert, RsaEd25519CrossCert crossCert,
        byte[] linkCertDer, RSA linkKey, byte[] identityCertDer, byte[] authCertDer, DateTimeOffset now,
        IRandomSource random)
    {
        var expiration = now + LinkCertLifetime;
        var tlsLink = Ed25519Cert.Create(CertType.Ed25519TlsLink, CertKeyType.Sha256OfX509, SHA256.HashData(linkCertDer),
            expiration, signingKey, includeSignedWithKey: false);
        var authKey = Ed25519KeyPair.Generate(random);
        var authCert = Ed25519Cert.Create(CertType.Ed25519Authenticate, CertKeyType.Ed25519, authKey.PublicKey.Bytes,
            expiration, signingKey, includeSignedWithKey: true);
        return new LinkCredentials
        {
            RsaIdentity = rsaIdentity,
            Ed25519Identity = ed25519Identity,
            LinkCertDer = linkCertDer,
            LinkKey = linkKey,
            IdentityCertDer = identityCertDer,
            AuthCertDer = authCertDer,
            SigningCert = signingCert,
            TlsLinkCert = tlsLink,
            AuthKeyCert = authCert,
            AuthKey = authKey,
            CrossCert = crossCert,
        };
    }
}
