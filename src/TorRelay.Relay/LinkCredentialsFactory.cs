using TorRelay.Cells.Certs;
using TorRelay.Core.Channels;
using TorRelay.Core.Tls;
using TorRelay.Crypto;
using TorRelay.Relay.Keys;

namespace TorRelay.Relay;

/// <summary>
/// Makes the link credentials for our current keys: a fresh TLS link key and certificates (rotated every two hours,
/// MAX_SSL_KEY_LIFETIME_INTERNAL in C tor), the ed25519 link and auth certificates, and the RSA→ed25519
/// cross-certificate (six months, renewed 30 days before it expires, as C tor's routerkeys.c does).
/// </summary>
public sealed class LinkCredentialsFactory(TimeProvider time, IRandomSource random)
{
    public static readonly TimeSpan LinkKeyLifetime = TimeSpan.FromHours(2);
    private static readonly TimeSpan CrossCertLifetime = TimeSpan.FromDays(180);
    private static readonly TimeSpan CrossCertRenewBefore = TimeSpan.FromDays(30);

    private RsaEd25519CrossCert? _crossCert;

    public LinkCredentials Create(RelayKeys keys)
    {
        var now = time.GetUtcNow();
        if (_crossCert is null || !_crossCert.Key.Equals(keys.MasterIdentityKey) || _crossCert.Expiration - now < CrossCertRenewBefore)
            _crossCert = RsaEd25519CrossCert.Create(keys.MasterIdentityKey, now + CrossCertLifetime, keys.Identity);
        using var identity = keys.Identity.ToDotNetRsa();
        var tls = TorTlsCertificates.Generate(identity, time);
        return LinkCredentials.Create(keys.Identity.PublicKey, keys.MasterIdentityKey, keys.Signing, keys.SigningCert,
            _crossCert, tls.LinkCertDer, tls.LinkKey, tls.IdentityCertDer, tls.AuthCertDer, now, random);
    }
}
