namespace TorRelay.Crypto;

/// <summary>
/// An RSA private key as tor uses it: 1024-bit identity and TAP onion keys (e = 65537), stored as PKCS#1 PEM
/// ("-----BEGIN RSA PRIVATE KEY-----") in C tor's key files.
/// </summary>
public sealed class RsaPrivateKey : IDisposable
{
    /// <summary>Generates a new key with public exponent 65537.</summary>
    public static RsaPrivateKey Generate(int bits = 1024) => throw new NotImplementedException();

    /// <summary>Parses PKCS#1 PEM as C tor writes it (secret_id_key, secret_onion_key).</summary>
    public static RsaPrivateKey FromPem(string pem) => throw new NotImplementedException();

    /// <summary>PKCS#1 PEM, byte-compatible with C tor's key files.</summary>
    public string ToPem() => throw new NotImplementedException();

    public RsaPublicKey PublicKey => throw new NotImplementedException();

    /// <summary>
    /// tor's "RSA signature": PKCS#1 v1.5 type-1 padding of <paramref name="data"/> itself (no DigestInfo),
    /// then the private-key operation. Used for descriptor signatures and cross-certificates.
    /// </summary>
    public byte[] SignRaw(ReadOnlySpan<byte> data) => throw new NotImplementedException();

    /// <summary>A System.Security.Cryptography.RSA holding this key (e.g. to sign X.509 certificates); caller disposes.</summary>
    public System.Security.Cryptography.RSA ToDotNetRsa() => throw new NotImplementedException();

    public void Dispose() => throw new NotImplementedException();
}
