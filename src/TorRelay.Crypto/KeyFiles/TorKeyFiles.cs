using System.Security.Cryptography;

namespace TorRelay.Crypto.KeyFiles;

/// <summary>
/// Codecs for the files C tor keeps in DataDirectory/keys (crypto_ed25519.c, crypto_curve25519.c, loadkey.c).
/// File names and tags follow C tor: tag "type0" for the master identity key, "type4" for the signing key and its
/// certificate, "onion" for the ntor key.
/// </summary>
public static class TorKeyFiles
{
    public const string Ed25519SecretType = "ed25519v1-secret";
    public const string Ed25519PublicType = "ed25519v1-public";
    public const string Ed25519CertType = "ed25519v1-cert";
    public const string Curve25519Type = "c25519v1";

    public const string MasterIdTag = "type0";
    public const string SigningTag = "type4";
    public const string NtorOnionTag = "onion";

    /// <summary>C tor reads ed25519 certificate files into a 256-byte buffer.</summary>
    public const int MaxCertLength = 256;

    public static byte[] EncodeEd25519Secret(Ed25519KeyPair key, string tag)
        => TaggedFile.Encode(Ed25519SecretType, tag, key.ExpandedSecret);

    public static bool TryDecodeEd25519Secret(ReadOnlySpan<byte> file, string expectedTag,
        out Ed25519KeyPair? key, out string? error)
    {
        key = null;
        if (!TaggedFile.TryDecode(file, Ed25519SecretType, Ed25519KeyPair.ExpandedSecretLength, out var tag, out var body, out error))
            return false;
        try
        {
            if (body.Length != Ed25519KeyPair.ExpandedSecretLength) { error = "ed25519 secret key is not 64 bytes"; return false; }
            if (tag != expectedTag) { error = $"wrong tag '{tag}', expected '{expectedTag}'"; return false; }
            try { key = Ed25519KeyPair.FromExpandedSecret(body); }
            catch (CryptographicException e) { error = e.Message; return false; }
            return true;
        }
        finally { CryptographicOperations.ZeroMemory(body); }
    }

    public static byte[] EncodeEd25519Public(Ed25519PublicKey key, string tag)
        => TaggedFile.Encode(Ed25519PublicType, tag, key.Bytes);

    public static bool TryDecodeEd25519Public(ReadOnlySpan<byte> file, string expectedTag,
        out Ed25519PublicKey? key, out string? error)
    {
        key = null;
        if (!TaggedFile.TryDecode(file, Ed25519PublicType, Ed25519PublicKey.Length, out var tag, out var body, out error))
            return false;
        if (body.Length != Ed25519PublicKey.Length) { error = "ed25519 public key is not 32 bytes"; return false; }
        if (tag != expectedTag) { error = $"wrong tag '{tag}', expected '{expectedTag}'"; return false; }
        key = new Ed25519PublicKey(body);
        return true;
    }

    /// <summary>The certificate body is opaque here (decoded by TorRelay.Cells.Certs.Ed25519Cert).</summary>
    public static byte[] EncodeEd25519Cert(ReadOnlySpan<byte> encodedCert, string tag)
        => TaggedFile.Encode(Ed25519CertType, tag, encodedCert);

    public static bool TryDecodeEd25519Cert(ReadOnlySpan<byte> file, string expectedTag,
        out byte[] encodedCert, out string? error)
    {
        if (!TaggedFile.TryDecode(file, Ed25519CertType, MaxCertLength, out var tag, out encodedCert, out error))
            return false;
        if (tag != expectedTag) { error = $"wrong tag '{tag}', expected '{expectedTag}'"; encodedCert = []; return false; }
        return true;
    }

    /// <summary>curve25519_keypair_write_to_file: secret key (32) then public key (32).</summary>
    public static byte[] EncodeCurve25519(Curve25519KeyPair key, string tag)
    {
        Span<byte> body = stackalloc byte[2 * Curve25519KeyPair.KeyLength];
        try
        {
            key.SecretKey.CopyTo(body);
            key.PublicKey.CopyTo(body[Curve25519KeyPair.KeyLength..]);
            return TaggedFile.Encode(Curve25519Type, tag, body);
        }
        finally { CryptographicOperations.ZeroMemory(body); }
    }

    /// <summary>As curve25519_keypair_read_from_file: the stored public key must match the secret key.</summary>
    public static bool TryDecodeCurve25519(ReadOnlySpan<byte> file, string expectedTag,
        out Curve25519KeyPair? key, out string? error)
    {
        key = null;
        if (!TaggedFile.TryDecode(file, Curve25519Type, 2 * Curve25519KeyPair.KeyLength, out var tag, out var body, out error))
            return false;
        try
        {
            if (body.Length != 2 * Curve25519KeyPair.KeyLength) { error = "curve25519 key file body is not 64 bytes"; return false; }
            if (tag != expectedTag) { error = $"wrong tag '{tag}', expected '{expectedTag}'"; return false; }
            var pair = Curve25519KeyPair.FromSecret(body.AsSpan(0, Curve25519KeyPair.KeyLength));
            if (!pair.PublicKey.SequenceEqual(body.AsSpan(Curve25519KeyPair.KeyLength)))
            {
                pair.Dispose();
                error = "curve25519 public key does not match the secret key";
                return false;
            }
            key = pair;
            return true;
        }
        finally { CryptographicOperations.ZeroMemory(body); }
    }

    /// <summary>
    /// secret_id_key / secret_onion_key as C tor writes them (crypto_pk_write_private_key_to_filename): the PKCS#1
    /// PEM followed by its terminating NUL byte.
    /// </summary>
    public static byte[] EncodeRsaPrivateKey(RsaPrivateKey key)
    {
        var pem = key.ToPem();
        var file = new byte[pem.Length + 1];
        System.Text.Encoding.ASCII.GetBytes(pem, file);
        return file;
    }

    /// <summary>Reads a PKCS#1 PEM key file (a trailing NUL, as C tor writes, is allowed); never throws.</summary>
    public static bool TryDecodeRsaPrivateKey(ReadOnlySpan<byte> file, out RsaPrivateKey? key, out string? error)
    {
        key = null;
        var text = System.Text.Encoding.ASCII.GetString(file).TrimEnd('\0');
        try
        {
            key = RsaPrivateKey.FromPem(text);
            error = null;
            return true;
        }
        catch (CryptographicException e)
        {
            error = e.Message;
            return false;
        }
    }
}
