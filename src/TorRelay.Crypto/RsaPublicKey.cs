namespace TorRelay.Crypto;

/// <summary>An RSA public key; its identity is the SHA-1 of its PKCS#1 DER encoding (tor's "fingerprint").</summary>
public sealed class RsaPublicKey
{
    public static RsaPublicKey FromPkcs1Der(ReadOnlySpan<byte> der) => throw new NotImplementedException();

    /// <summary>Parses "-----BEGIN RSA PUBLIC KEY-----" PEM as found in netdocs.</summary>
    public static RsaPublicKey FromPem(string pem) => throw new NotImplementedException();

    /// <summary>Reads the key out of an X.509 certificate (DER); null if it is not an RSA certificate.</summary>
    public static RsaPublicKey? FromCertificateDer(ReadOnlySpan<byte> certificateDer) => throw new NotImplementedException();

    public byte[] ToPkcs1Der() => throw new NotImplementedException();
    public string ToPem() => throw new NotImplementedException();

    /// <summary>Modulus size in bits.</summary>
    public int Bits => throw new NotImplementedException();

    /// <summary>SHA-1 of the PKCS#1 DER public key: the relay's RSA identity (20 bytes).</summary>
    public byte[] Fingerprint => throw new NotImplementedException();

    /// <summary>Checks a tor "RSA signature" (see <see cref="RsaPrivateKey.SignRaw"/>) over exactly <paramref name="data"/>.</summary>
    public bool VerifyRaw(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature) => throw new NotImplementedException();

    /// <summary>Verifies that the X.509 certificate (DER) was signed by this key.</summary>
    public bool VerifyCertificateSignature(ReadOnlySpan<byte> certificateDer) => throw new NotImplementedException();
}
