using System.Security.Cryptography;

namespace TorRelay.Crypto.Native;

/// <summary>
/// RFC 8032 ed25519 from an expanded secret key (a || prefix). OpenSSL signs only from the 32-byte seed, and C tor
/// stores expanded keys, so signing uses libsodium's scalar and point arithmetic; verification uses OpenSSL.
/// </summary>
internal static class Ed25519Native
{
    /// <summary>A = a·B for the clamped scalar in the first half of the expanded key.</summary>
    public static unsafe void PublicFromExpanded(ReadOnlySpan<byte> expanded, Span<byte> publicKey)
    {
        LibSodium.EnsureInitialized();
        Span<byte> a = stackalloc byte[32];
        expanded[..32].CopyTo(a);
        try
        {
            fixed (byte* pa = a)
            fixed (byte* pk = publicKey)
            {
                if (LibSodium.crypto_scalarmult_ed25519_base_noclamp(pk, pa) != 0)
                    throw new CryptographicException("Invalid ed25519 secret scalar");
            }
        }
        finally { CryptographicOperations.ZeroMemory(a); }
    }

    public static unsafe void Sign(ReadOnlySpan<byte> expanded, ReadOnlySpan<byte> publicKey,
        ReadOnlySpan<byte> message, Span<byte> signature)
    {
        LibSodium.EnsureInitialized();
        if (signature.Length < 64) throw new ArgumentException("signature buffer must hold 64 bytes", nameof(signature));
        Span<byte> hash = stackalloc byte[64];
        Span<byte> r = stackalloc byte[32];
        Span<byte> k = stackalloc byte[32];
        Span<byte> aWide = stackalloc byte[64];
        Span<byte> a = stackalloc byte[32];
        Span<byte> ka = stackalloc byte[32];
        try
        {
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA512);
            // r = SHA-512(prefix || M) mod L
            sha.AppendData(expanded[32..64]);
            sha.AppendData(message);
            sha.GetHashAndReset(hash);
            fixed (byte* ph = hash) fixed (byte* pr = r) LibSodium.crypto_core_ed25519_scalar_reduce(pr, ph);

            // R = r·B
            fixed (byte* pr = r) fixed (byte* pR = signature)
            {
                if (LibSodium.crypto_scalarmult_ed25519_base_noclamp(pR, pr) != 0)
                    throw new CryptographicException("ed25519 nonce was zero");
            }

            // k = SHA-512(R || A || M) mod L
            sha.AppendData(signature[..32]);
            sha.AppendData(publicKey);
            sha.AppendData(message);
            sha.GetHashAndReset(hash);
            fixed (byte* ph = hash) fixed (byte* pk = k) LibSodium.crypto_core_ed25519_scalar_reduce(pk, ph);

            // S = (r + k·a) mod L; a is reduced first since the clamped scalar may exceed L.
            aWide.Clear();
            expanded[..32].CopyTo(aWide);
            fixed (byte* pw = aWide) fixed (byte* pa = a) LibSodium.crypto_core_ed25519_scalar_reduce(pa, pw);
            fixed (byte* pk = k) fixed (byte* pa = a) fixed (byte* pka = ka)
                LibSodium.crypto_core_ed25519_scalar_mul(pka, pk, pa);
            fixed (byte* pka = ka) fixed (byte* pr = r) fixed (byte* pS = signature[32..])
                LibSodium.crypto_core_ed25519_scalar_add(pS, pr, pka);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(hash);
            CryptographicOperations.ZeroMemory(r);
            CryptographicOperations.ZeroMemory(aWide);
            CryptographicOperations.ZeroMemory(a);
            CryptographicOperations.ZeroMemory(ka);
        }
    }

    public static unsafe bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (publicKey.Length != 32 || signature.Length != 64) return false;
        LibCrypto.ERR_clear_error();
        EvpPKeyHandle key;
        fixed (byte* pk = publicKey)
            key = new EvpPKeyHandle(LibCrypto.EVP_PKEY_new_raw_public_key(LibCrypto.EVP_PKEY_ED25519, IntPtr.Zero, pk, 32));
        using (key)
        {
            if (key.IsInvalid) { LibCrypto.ERR_clear_error(); return false; }
            using var ctx = LibCrypto.EVP_MD_CTX_new();
            if (ctx.IsInvalid) throw new CryptographicException("EVP_MD_CTX_new failed");
            if (LibCrypto.EVP_DigestVerifyInit(ctx, IntPtr.Zero, IntPtr.Zero, IntPtr.Zero, key) != 1)
            {
                LibCrypto.ERR_clear_error();
                return false;
            }
            // A null pointer with length 0 is fine for OpenSSL; fixed on an empty span gives null.
            byte dummy = 0;
            fixed (byte* s = signature)
            fixed (byte* m = message)
            {
                byte* mp = m == null ? &dummy : m;
                int rc = LibCrypto.EVP_DigestVerify(ctx, s, 64, mp, (nuint)message.Length);
                if (rc != 1) LibCrypto.ERR_clear_error();
                return rc == 1;
            }
        }
    }
}
