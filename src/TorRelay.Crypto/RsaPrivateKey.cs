using System.Security.Cryptography;
using TorRelay.Crypto.Native;

namespace TorRelay.Crypto;

/// <summary>
/// An RSA private key as tor uses it: 1024-bit identity and TAP onion keys (e = 65537), stored as PKCS#1 PEM
/// ("-----BEGIN RSA PRIVATE KEY-----") in C tor's key files.
/// </summary>
public sealed class RsaPrivateKey : IDisposable
{
    public const string PemLabel = "RSA PRIVATE KEY";

    private readonly EvpPKeyHandle _key;
    private readonly byte[] _der;

    private RsaPrivateKey(EvpPKeyHandle key)
    {
        _key = key;
        // Re-encoded by OpenSSL so ToPem is exactly what C tor (PEM_write_bio_RSAPrivateKey) writes.
        _der = OpenSslRsa.ExportPrivatePkcs1(key);
        PublicKey = RsaPublicKey.FromPkcs1Der(OpenSslRsa.ExportPublicPkcs1(key));
    }

    /// <summary>Generates a new key with public exponent 65537.</summary>
    public static RsaPrivateKey Generate(int bits = 1024)
    {
        using var rsa = RSA.Create(bits);
        var der = rsa.ExportRSAPrivateKey();
        try { return FromPkcs1Der(der); }
        finally { CryptographicOperations.ZeroMemory(der); }
    }

    /// <summary>Parses PKCS#1 RSAPrivateKey DER.</summary>
    public static RsaPrivateKey FromPkcs1Der(ReadOnlySpan<byte> der) => new(OpenSslRsa.ImportPrivatePkcs1(der));

    /// <summary>Parses PKCS#1 PEM as C tor writes it (secret_id_key, secret_onion_key).</summary>
    public static RsaPrivateKey FromPem(string pem)
    {
        if (!Pem.TryDecode(pem, PemLabel, out var der))
            throw new CryptographicException("No RSA PRIVATE KEY PEM block found");
        try { return FromPkcs1Der(der); }
        finally { CryptographicOperations.ZeroMemory(der); }
    }

    /// <summary>PKCS#1 DER (a copy).</summary>
    public byte[] ToPkcs1Der()
    {
        ObjectDisposedException.ThrowIf(_key.IsClosed, this);
        return (byte[])_der.Clone();
    }

    /// <summary>PKCS#1 PEM, byte-compatible with C tor's key files (64-column base64, trailing newline).</summary>
    public string ToPem()
    {
        ObjectDisposedException.ThrowIf(_key.IsClosed, this);
        return Pem.Encode(PemLabel, _der);
    }

    public RsaPublicKey PublicKey { get; }

    /// <summary>
    /// tor's "RSA signature": PKCS#1 v1.5 type-1 padding of <paramref name="data"/> itself (no DigestInfo),
    /// then the private-key operation. Used for descriptor signatures and cross-certificates.
    /// </summary>
    public byte[] SignRaw(ReadOnlySpan<byte> data)
    {
        ObjectDisposedException.ThrowIf(_key.IsClosed, this);
        return OpenSslRsa.PrivateEncrypt(_key, data);
    }

    /// <summary>A System.Security.Cryptography.RSA holding this key (e.g. to sign X.509 certificates); caller disposes.</summary>
    public RSA ToDotNetRsa()
    {
        ObjectDisposedException.ThrowIf(_key.IsClosed, this);
        var rsa = RSA.Create();
        rsa.ImportRSAPrivateKey(_der, out _);
        return rsa;
    }

    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(_der);
        _key.Dispose();
    }
}
