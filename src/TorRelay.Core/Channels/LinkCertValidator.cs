using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using TorRelay.Cells.Certs;
using TorRelay.Cells.Link;
using TorRelay.Crypto;

namespace TorRelay.Core.Channels;

/// <summary>
/// Checks a peer's CERTS cell the way C tor 0.4.9 does (torcert.c or_handshake_certs_ed25519_ok): the ed25519 chain
/// (signing key certified by the identity, then the TLS link key or the authentication key), the self-signed RSA
/// identity certificate and the RSA→ed25519 cross-certificate. Pure: takes the time, touches no socket.
/// </summary>
public static class LinkCertValidator
{
    // C tor tolerates X.509 validity this far outside the certificate's dates (x509.c).
    private static readonly TimeSpan PastSlop = TimeSpan.FromDays(2);
    private static readonly TimeSpan FutureSlop = TimeSpan.FromDays(30);

    /// <summary>Initiator's view: the responder must prove its TLS certificate (type 5 over the TLS cert's SHA-256).</summary>
    public static bool TryValidateResponder(CertsCell certs, byte[]? peerTlsCertDer, DateTimeOffset now,
        out PeerIdentity? identity, out Ed25519Cert? authKeyCert, out string? error)
    {
        authKeyCert = null;
        if (!TryCommon(certs, now, out identity, out var signing, out error)) return false;
        if (peerTlsCertDer is null) return Fail("no TLS peer certificate", out identity, out error);
        var link = Single(certs, CertType.Ed25519TlsLink, out error);
        if (link is null) return Fail(error ?? "no ed25519 link certificate", out identity, out error);
        if (!Ed25519Cert.TryDecode(link, out var linkCert, out var e) || linkCert!.CertType != CertType.Ed25519TlsLink ||
            linkCert.KeyType != CertKeyType.Sha256OfX509)
            return Fail("bad ed25519 link certificate: " + (e ?? "wrong type"), out identity, out error);
        if (!SHA256.HashData(peerTlsCertDer).AsSpan().SequenceEqual(linkCert.CertifiedKey))
            return Fail("link certificate does not match TLS certificate", out identity, out error);
        if (linkCert.IsExpired(now)) return Fail("ed25519 link certificate expired", out identity, out error);
        if (!linkCert.VerifySignature(signing)) return Fail("ed25519 link certificate badly signed", out identity, out error);
        return true;
    }

    /// <summary>Responder's view: an authenticating initiator must present an ed25519 authentication key (type 6).</summary>
    public static bool TryValidateInitiator(CertsCell certs, DateTimeOffset now,
        out PeerIdentity? identity, out Ed25519Cert? authKeyCert, out string? error)
    {
        authKeyCert = null;
        if (!TryCommon(certs, now, out identity, out var signing, out error)) return false;
        var auth = Single(certs, CertType.Ed25519Authenticate, out error);
        if (auth is null) return Fail(error ?? "no ed25519 authentication certificate", out identity, out error);
        if (!Ed25519Cert.TryDecode(auth, out var authCert, out var e) || authCert!.CertType != CertType.Ed25519Authenticate ||
            authCert.KeyType != CertKeyType.Ed25519)
            return Fail("bad ed25519 authentication certificate: " + (e ?? "wrong type"), out identity, out error);
        if (authCert.IsExpired(now)) return Fail("ed25519 authentication certificate expired", out identity, out error);
        if (!authCert.VerifySignature(signing)) return Fail("ed25519 authentication certificate badly signed", out identity, out error);
        authKeyCert = authCert;
        return true;
    }

    /// <summary>The parts both directions share: type 4, type 2 and type 7.</summary>
    private static bool TryCommon(CertsCell certs, DateTimeOffset now, out PeerIdentity? identity,
        out Ed25519PublicKey signing, out string? error)
    {
        identity = null;
        signing = null!;
        foreach (var (type, _) in certs.Certificates)
        {
            certs.Find(type, out bool dup);
            if (dup) return Fail($"duplicate certificate of type {(int)type}", out identity, out error);
        }
        var sign = Single(certs, CertType.Ed25519Signing, out error);
        if (sign is null) return Fail(error ?? "no ed25519 signing certificate", out identity, out error);
        if (!Ed25519Cert.TryDecode(sign, out var signCert, out var e) || signCert!.CertType != CertType.Ed25519Signing ||
            signCert.KeyType != CertKeyType.Ed25519)
            return Fail("bad ed25519 signing certificate: " + (e ?? "wrong type"), out identity, out error);
        if (signCert.SignedWithKey is null) return Fail("ed25519 signing certificate lacks the identity key", out identity, out error);
        if (signCert.IsExpired(now)) return Fail("ed25519 signing certificate expired", out identity, out error);
        if (!signCert.VerifySignature()) return Fail("ed25519 signing certificate badly signed", out identity, out error);
        signing = new Ed25519PublicKey(signCert.CertifiedKey);

        var idDer = Single(certs, CertType.RsaIdentity, out error);
        if (idDer is null) return Fail(error ?? "no RSA identity certificate", out identity, out error);
        if (!TryCheckX509(idDer, null, now, requireRsa1024: true, out var rsaId, out error))
            return Fail("RSA identity certificate: " + error, out identity, out error);

        var cross = Single(certs, CertType.RsaEd25519Cross, out error);
        if (cross is null) return Fail(error ?? "no RSA->ed25519 cross-certificate", out identity, out error);
        if (!RsaEd25519CrossCert.TryDecode(cross, out var crossCert, out e))
            return Fail("bad RSA->ed25519 cross-certificate: " + e, out identity, out error);
        if (!crossCert!.Key.Equals(signCert.SignedWithKey) || crossCert.Expiration <= now || !crossCert.Verify(rsaId!))
            return Fail("invalid RSA->ed25519 cross-certificate", out identity, out error);

        identity = new PeerIdentity(rsaId!, signCert.SignedWithKey);
        error = null;
        return true;
    }

    /// <summary>Parses an X.509 certificate and checks its dates and its signature (by <paramref name="signer"/>, or itself).</summary>
    public static bool TryCheckX509(byte[] der, RsaPublicKey? signer, DateTimeOffset now, bool requireRsa1024,
        out RsaPublicKey? key, out string? error)
    {
        key = null;
        X509Certificate2 cert;
        try
        {
            cert = X509CertificateLoader.LoadCertificate(der);
        }
        catch (CryptographicException)
        {
            error = "not an X.509 certificate";
            return false;
        }
        using (cert)
        {
            if (cert.NotBefore > now + FutureSlop || cert.NotAfter < now - PastSlop)
            {
                error = "certificate not valid at this time";
                return false;
            }
            key = RsaPublicKey.FromCertificateDer(der);
            if (key is null)
            {
                error = "not an RSA certificate";
                return false;
            }
            if (requireRsa1024 && key.Bits != 1024)
            {
                error = $"RSA key has {key.Bits} bits, not 1024";
                return false;
            }
            if (!(signer ?? key).VerifyCertificateSignature(der))
            {
                error = "bad certificate signature";
                return false;
            }
        }
        error = null;
        return true;
    }

    private static byte[]? Single(CertsCell certs, CertType type, out string? error)
    {
        var body = certs.Find(type, out bool dup);
        error = dup ? $"duplicate certificate of type {(int)type}" : null;
        return dup ? null : body;
    }

    private static bool Fail(string message, out PeerIdentity? identity, out string? error)
    {
        identity = null;
        error = message;
        return false;
    }
}
