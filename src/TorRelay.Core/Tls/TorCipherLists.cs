using System.Collections.Immutable;

namespace TorRelay.Core.Tls;

/// <summary>
/// The cipher and group lists C tor 0.4.9 configures (src/lib/tls/tortls_openssl.c, ciphers.inc, ciphers_v13.inc),
/// restricted to what Debian's OpenSSL 3 knows. Matching them keeps our ClientHello/ServerHello like C tor's.
/// </summary>
internal static class TorCipherLists
{
    /// <summary>UNRESTRICTED_SERVER_CIPHER_LIST (TLS 1.2 part; TLS 1.3 suites stay at OpenSSL's default order,
    /// which is the order C tor lists: AES-256-GCM, ChaCha20-Poly1305, AES-128-GCM).</summary>
    public const string Server =
        "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-SHA384:ECDHE-RSA-AES128-SHA256:" +
        "ECDHE-RSA-AES256-SHA:ECDHE-RSA-AES128-SHA:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-AES128-GCM-SHA256:" +
        "DHE-RSA-AES256-CCM:DHE-RSA-AES128-CCM:DHE-RSA-AES256-SHA256:DHE-RSA-AES128-SHA256:DHE-RSA-AES256-SHA:" +
        "DHE-RSA-AES128-SHA:ECDHE-RSA-CHACHA20-POLY1305:DHE-RSA-CHACHA20-POLY1305";

    /// <summary>CLIENT_CIPHER_LIST: the real (non-XCIPHER) entries of ciphers.inc, then "!SSLv2".</summary>
    public const string Client =
        "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-CHACHA20-POLY1305:" +
        "ECDHE-RSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:" +
        "ECDHE-ECDSA-AES256-SHA:ECDHE-ECDSA-AES128-SHA:ECDHE-RSA-AES128-SHA:ECDHE-RSA-AES256-SHA:" +
        "DHE-RSA-AES128-SHA:DHE-RSA-AES256-SHA:AES128-SHA:AES256-SHA:DES-CBC3-SHA:!SSLv2";

    /// <summary>CLIENT_CIPHER_LIST_TLSv13 (Firefox's order).</summary>
    public const string ClientTls13 = "TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_256_GCM_SHA384";

    /// <summary>Group preference lists tried in order; the first needs OpenSSL 3.5 (ML-KEM hybrids).</summary>
    public static readonly ImmutableArray<(ulong MinOpenSslVersion, string Groups)> Groups =
    [
        (0x30500000UL, "?*X25519MLKEM768 / ?SecP256r1MLKEM768 / *P-256:?X25519:P-224"),
        (0, "P-256:X25519:P-224"),
        (0, "P-256:P-224"),
    ];
}
