using System.Security.Cryptography;

namespace TorRelay.Crypto.Native;

/// <summary>RSA operations through EVP_PKEY that .NET does not offer: tor's raw PKCS#1 v1.5 type-1 signatures.</summary>
internal static class OpenSslRsa
{
    public static unsafe EvpPKeyHandle ImportPrivatePkcs1(ReadOnlySpan<byte> der)
    {
        LibCrypto.ERR_clear_error();
        fixed (byte* p = der)
        {
            byte* cursor = p;
            var key = new EvpPKeyHandle(LibCrypto.d2i_PrivateKey(LibCrypto.EVP_PKEY_RSA, IntPtr.Zero, &cursor, der.Length));
            if (key.IsInvalid)
            {
                LibCrypto.ERR_clear_error();
                throw new CryptographicException("Invalid PKCS#1 RSA private key");
            }
            if (cursor - p != der.Length) { key.Dispose(); throw new CryptographicException("Trailing data after RSA private key"); }
            return key;
        }
    }

    /// <summary>Parses PKCS#1 RSAPublicKey DER; null when malformed.</summary>
    public static unsafe EvpPKeyHandle? TryImportPublicPkcs1(ReadOnlySpan<byte> der)
    {
        LibCrypto.ERR_clear_error();
        fixed (byte* p = der)
        {
            byte* cursor = p;
            var key = new EvpPKeyHandle(LibCrypto.d2i_PublicKey(LibCrypto.EVP_PKEY_RSA, IntPtr.Zero, &cursor, der.Length));
            if (key.IsInvalid)
            {
                LibCrypto.ERR_clear_error();
                return null;
            }
            if (cursor - p != der.Length) { key.Dispose(); return null; }
            return key;
        }
    }

    public static unsafe byte[] ExportPrivatePkcs1(EvpPKeyHandle key)
    {
        int len = LibCrypto.i2d_PrivateKey(key, null);
        if (len <= 0) throw new CryptographicException("i2d_PrivateKey failed");
        var der = new byte[len];
        fixed (byte* p = der)
        {
            byte* cursor = p;
            if (LibCrypto.i2d_PrivateKey(key, &cursor) != len) throw new CryptographicException("i2d_PrivateKey failed");
        }
        return der;
    }

    public static unsafe byte[] ExportPublicPkcs1(EvpPKeyHandle key)
    {
        int len = LibCrypto.i2d_PublicKey(key, null);
        if (len <= 0) throw new CryptographicException("i2d_PublicKey failed");
        var der = new byte[len];
        fixed (byte* p = der)
        {
            byte* cursor = p;
            if (LibCrypto.i2d_PublicKey(key, &cursor) != len) throw new CryptographicException("i2d_PublicKey failed");
        }
        return der;
    }

    /// <summary>RSA_private_encrypt with PKCS#1 type-1 padding: what C tor's crypto_pk_private_sign does.</summary>
    public static unsafe byte[] PrivateEncrypt(EvpPKeyHandle key, ReadOnlySpan<byte> data)
    {
        LibCrypto.ERR_clear_error();
        using var ctx = LibCrypto.EVP_PKEY_CTX_new(key, IntPtr.Zero);
        if (ctx.IsInvalid) throw new CryptographicException("EVP_PKEY_CTX_new failed");
        if (LibCrypto.EVP_PKEY_sign_init(ctx) <= 0 ||
            LibCrypto.EVP_PKEY_CTX_set_rsa_padding(ctx, LibCrypto.RSA_PKCS1_PADDING) <= 0)
            throw new CryptographicException("EVP_PKEY_sign_init failed");
        var sig = new byte[LibCrypto.EVP_PKEY_get_size(key)];
        nuint sigLen = (nuint)sig.Length;
        fixed (byte* s = sig)
        fixed (byte* d = data)
        {
            if (LibCrypto.EVP_PKEY_sign(ctx, s, &sigLen, d, (nuint)data.Length) <= 0)
                throw new CryptographicException("RSA private encrypt failed (data too long for the key?)");
        }
        return sigLen == (nuint)sig.Length ? sig : sig.AsSpan(0, (int)sigLen).ToArray();
    }

    /// <summary>RSA_public_decrypt with PKCS#1 type-1 padding; null when the signature does not check.</summary>
    public static unsafe byte[]? PublicDecrypt(EvpPKeyHandle key, ReadOnlySpan<byte> signature)
    {
        LibCrypto.ERR_clear_error();
        using var ctx = LibCrypto.EVP_PKEY_CTX_new(key, IntPtr.Zero);
        if (ctx.IsInvalid) throw new CryptographicException("EVP_PKEY_CTX_new failed");
        if (LibCrypto.EVP_PKEY_verify_recover_init(ctx) <= 0 ||
            LibCrypto.EVP_PKEY_CTX_set_rsa_padding(ctx, LibCrypto.RSA_PKCS1_PADDING) <= 0)
            throw new CryptographicException("EVP_PKEY_verify_recover_init failed");
        int size = LibCrypto.EVP_PKEY_get_size(key);
        if (signature.Length == 0 || signature.Length > size) return null;
        var output = new byte[size];
        nuint outLen = (nuint)output.Length;
        fixed (byte* o = output)
        fixed (byte* s = signature)
        {
            if (LibCrypto.EVP_PKEY_verify_recover(ctx, o, &outLen, s, (nuint)signature.Length) <= 0)
            {
                LibCrypto.ERR_clear_error();
                return null;
            }
        }
        return output.AsSpan(0, (int)outLen).ToArray();
    }
}
