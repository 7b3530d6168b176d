using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using TorRelay.Crypto;

namespace TorRelay.Core.Tls;

/// <summary>
/// The X.509 certificates a C tor relay makes for its TLS context (tortls.c tor_tls_context_init_certificates,
/// x509_openssl.c tor_tls_create_certificate): a fresh RSA-2048 link key certified by the RSA-1024 identity key
/// (the TLS certificate and CERTS type 1), the self-signed identity certificate (CERTS type 2, one year), and a fresh
/// RSA-1024 authentication key certified by the identity key (CERTS type 3). All are X.509 v3 without extensions,
/// with a random 64-bit serial, a single commonName "www.&lt;8-20 random&gt;.net" (subject) / ".com" (issuer), and
/// sha256WithRSAEncryption signatures; validity starts at a random day boundary in the past.
/// </summary>
public sealed class TorTlsCertificates : IDisposable
{
    /// <summary>RSA_LINK_KEY_BITS.</summary>
    public const int LinkKeyBits = 2048;

    /// <summary>crypto_pk_generate_key's default size, used for the authentication key.</summary>
    public const int AuthKeyBits = 1024;

    /// <summary>IDENTITY_CERT_LIFETIME.</summary>
    public static readonly TimeSpan IdentityCertLifetime = TimeSpan.FromDays(365);

    private const int SerialNumberSize = 8;
    private const long SecondsPerDay = 24 * 3600;

    private TorTlsCertificates(RSA linkKey, byte[] linkCertDer, byte[] identityCertDer, RSA authKey,
        byte[] authCertDer, DateTimeOffset expiration)
    {
        LinkKey = linkKey;
        LinkCertDer = linkCertDer;
        IdentityCertDer = identityCertDer;
        AuthKey = authKey;
        AuthCertDer = authCertDer;
        Expiration = expiration;
    }

    /// <summary>The TLS link key (RSA-2048) matching <see cref="LinkCertDer"/>.</summary>
    public RSA LinkKey { get; }

    /// <summary>The TLS certificate: link key signed by the identity key (CERTS type 1).</summary>
    public byte[] LinkCertDer { get; }

    /// <summary>The self-signed identity certificate (CERTS type 2).</summary>
    public byte[] IdentityCertDer { get; }

    /// <summary>The RSA-1024 key for RSA-SHA256-TLSSecret authentication, matching <see cref="AuthCertDer"/>.</summary>
    public RSA AuthKey { get; }

    /// <summary>The authentication key signed by the identity key (CERTS type 3).</summary>
    public byte[] AuthCertDer { get; }

    /// <summary>When the link certificate expires (the TLS context should be rotated before).</summary>
    public DateTimeOffset Expiration { get; }

    /// <summary>
    /// Makes fresh link and authentication keys and the three certificates. <paramref name="keyLifetime"/> is
    /// the link/auth certificate lifetime (C tor's SSLKeyLifetime); when null it is chosen like C tor's
    /// router_initialize_tls_context: a whole number of days in [5, 365), minus one second half of the time.
    /// </summary>
    public static TorTlsCertificates Generate(RSA identityKey, TimeProvider timeProvider, TimeSpan? keyLifetime = null)
    {
        ArgumentNullException.ThrowIfNull(identityKey);
        ArgumentNullException.ThrowIfNull(timeProvider);
        long now = timeProvider.GetUtcNow().ToUnixTimeSeconds();
        long lifetime = keyLifetime is { } given ? (long)given.TotalSeconds : RandomKeyLifetime();
        if (lifetime <= 0 || lifetime >= int.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(keyLifetime));

        string nickname = RandomHostname.Create(SystemRandom.Instance, 8, 20, "www.", ".net");
        string issuer = RandomHostname.Create(SystemRandom.Instance, 8, 20, "www.", ".com");
        RSA linkKey = RSA.Create(LinkKeyBits);
        RSA authKey = RSA.Create(AuthKeyBits);
        try
        {
            var (linkStart, linkEnd) = PickLifetime(now, lifetime);
            byte[] linkCert = Create(linkKey, identityKey, nickname, issuer, linkStart, linkEnd);
            var (idStart, idEnd) = PickLifetime(now, (long)IdentityCertLifetime.TotalSeconds);
            byte[] idCert = Create(identityKey, identityKey, issuer, issuer, idStart, idEnd);
            var (authStart, authEnd) = PickLifetime(now, lifetime);
            byte[] authCert = Create(authKey, identityKey, nickname, issuer, authStart, authEnd);
            return new TorTlsCertificates(linkKey, linkCert, idCert, authKey, authCert,
                DateTimeOffset.FromUnixTimeSeconds(linkEnd));
        }
        catch
        {
            linkKey.Dispose();
            authKey.Dispose();
            throw;
        }
    }

    /// <summary>A responder context presenting the link certificate (identity certificate in its store, as C tor).</summary>
    public TlsContext CreateServerContext() => TlsContext.CreateServer(LinkCertDer, LinkKey, IdentityCertDer);

    /// <summary>An initiator context presenting the link certificate when asked, as C tor relays do.</summary>
    public TlsContext CreateClientContext() => TlsContext.CreateClient(LinkCertDer, LinkKey);

    public void Dispose()
    {
        LinkKey.Dispose();
        AuthKey.Dispose();
    }

    private static long RandomKeyLifetime()
    {
        long lifetime = RandomNumberGenerator.GetInt32(5 * 24 * 3600, 365 * 24 * 3600);
        lifetime -= lifetime % SecondsPerDay;
        if (RandomNumberGenerator.GetInt32(2) == 1)
            lifetime--; // half the time expire one second before midnight, like C tor (ticket 8443)
        return lifetime;
    }

    /// <summary>tor_tls_pick_certificate_lifetime: start part-way through the lifetime, on a day boundary,
    /// keeping at least a day of real lifetime.</summary>
    private static (long Start, long End) PickLifetime(long now, long lifetime)
    {
        const long minRealLifetime = 24 * 3600;
        const long startGranularity = 24 * 3600;
        long earliest = lifetime <= minRealLifetime + startGranularity
            ? now - 1
            : now + minRealLifetime + startGranularity - lifetime;
        long start = earliest + RandomNumberGenerator.GetInt32((int)(now - earliest));
        start -= start % startGranularity;
        return (start, start + lifetime);
    }

    private static byte[] Create(RSA subjectKey, RSA signingKey, string subjectName, string issuerName,
        long notBefore, long notAfter)
    {
        var request = new CertificateRequest(CommonName(subjectName), new PublicKey(subjectKey), HashAlgorithmName.SHA256);
        var generator = X509SignatureGenerator.CreateForRSA(signingKey, RSASignaturePadding.Pkcs1);
        Span<byte> serial = stackalloc byte[SerialNumberSize];
        RandomNumberGenerator.Fill(serial);
        using X509Certificate2 certificate = request.Create(CommonName(issuerName), generator,
            DateTimeOffset.FromUnixTimeSeconds(notBefore), DateTimeOffset.FromUnixTimeSeconds(notAfter), serial);
        return certificate.RawData;
    }

    private static X500DistinguishedName CommonName(string name)
    {
        var builder = new X500DistinguishedNameBuilder();
        builder.AddCommonName(name);
        return builder.Build();
    }
}
