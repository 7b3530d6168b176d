using System.Security.Cryptography;
using TorRelay.Crypto.Native;

namespace TorRelay.Crypto;

/// <summary>An RSA public key; its identity is the SHA-1 of its PKCS#1 DER encoding (tor's "fingerprint").</summary>
public sealed class RsaPublicKey : IEquatable<RsaPublicKey>
{
    public const string PemLabel = "RSA PUBLIC KEY";

    private readonly EvpPKeyHandle _key;
    private readonly byte[] _der;

    private RsaPublicKey(EvpPKeyHandle key)
    {
        _key = key;
        // Canonical re-encoding: the fingerprint is over the DER as OpenSSL (and so C tor) writes it.
        _der = OpenSslRsa.ExportPublicPkcs1(key);
        Fingerprint = SHA1.HashData(_der);
        Bits = LibCrypto.EVP_PKEY_get_bits(key);
    }

    public static RsaPublicKey FromPkcs1Der(ReadOnlySpan<byte> der)
        => TryFromPkcs1Der(der) ?? throw new CryptographicException("Invalid PKCS#1 RSA public key");

    /// <summary>Parses PKCS#1 RSAPublicKey DER; null when malformed (never throws).</summary>
    public static RsaPublicKey? TryFromPkcs1Der(ReadOnlySpan<byte> der)
    {
        var key = OpenSslRsa.TryImportPublicPkcs1(der);
        return key is null ? null : new RsaPublicKey(key);
    }

    /// <summary>Parses "-----BEGIN RSA PUBLIC KEY-----" PEM as found in netdocs.</summary>
    public static RsaPublicKey FromPem(string pem)
    {
        if (!Pem.TryDecode(pem, PemLabel, out var der))
            throw new CryptographicException("No RSA PUBLIC KEY PEM block found");
        return FromPkcs1Der(der);
    }

    /// <summary>Reads the key out of an X.509 certificate (DER); null if it is not an RSA certificate or is malformed.</summary>
    public static RsaPublicKey? FromCertificateDer(ReadOnlySpan<byte> certificateDer)
    {
        using var cert = X509Native.TryParse(certificateDer);
        if (cert is null) return null;
        var pkey = LibCrypto.X509_get0_pubkey(cert);
        if (pkey == IntPtr.Zero) return null;
        // X509_get0_pubkey lends the key; take our own reference before wrapping it.
        if (LibCrypto.EVP_PKEY_up_ref(pkey) != 1) return null;
        var owned = new EvpPKeyHandle(pkey);
        if (LibCrypto.EVP_PKEY_get_base_id(owned) != LibCrypto.EVP_PKEY_RSA)
        {
            owned.Dispose();
            return null;
        }
        return new RsaPublicKey(owned);
    }

    public byte[] ToPkcs1Der() => (byte[])_der.Clone();

    /// <summary>PKCS#1 PEM as C tor writes it in netdocs (64-column base64, trailing newline).</summary>
    public string ToPem() => Pem.Encode(PemLabel, _der);

    /// <summary>Modulus size in bits.</summary>
    public int Bits { get; }

    /// <summary>SHA-1 of the PKCS#1 DER public key: the relay's RSA identity (20 bytes).</summary>
    public byte[] Fingerprint { get; }

    /// <summary>Uppercase hex of <see cref="Fingerprint"/> without spaces.</summary>
    public string FingerprintHex => Convert.ToHexString(Fingerprint);

    /// <summary>Checks a tor "RSA signature" (see <see cref="RsaPrivateKey.SignRaw"/>) over exactly <paramref name="data"/>.</summary>
    public bool VerifyRaw(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        var recovered = RecoverRaw(signature);
        return recovered is not null && CryptographicOperations.FixedTimeEquals(recovered, data);
    }

    /// <summary>
    /// The data inside a tor "RSA signature" (public-key operation, type-1 padding removed); null if the padding is bad.
    /// C tor's own checks (crosscerts, netdoc signatures) accept when the recovered data starts with the digest.
    /// </summary>
    public byte[]? RecoverRaw(ReadOnlySpan<byte> signature) => OpenSslRsa.PublicDecrypt(_key, signature);

    /// <summary>Verifies that the X.509 certificate (DER) was signed by this key (OpenSSL X509_verify, as C tor).</summary>
    public bool VerifyCertificateSignature(ReadOnlySpan<byte> certificateDer)
    {
        using var cert = X509Native.TryParse(certificateDer);
        if (cert is null) return false;
        int rc = LibCrypto.X509_verify(cert, _key);
        if (rc != 1) LibCrypto.ERR_clear_error();
        return rc == 1;
    }

    public bool Equals(RsaPublicKey? other) => other is not null && _der.AsSpan().SequenceEqual(other._der);
    public override bool Equals(object? obj) => Equals(obj as RsaPublicKey);
    public override int GetHashCode() => BitConverter.ToInt32(Fingerprint, 0);
}
