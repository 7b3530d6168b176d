using System.Runtime.InteropServices;

namespace TorRelay.Crypto.Native;

/// <summary>OpenSSL 3 libcrypto entry points. Only real exported functions: several OpenSSL APIs are macros.</summary>
internal static partial class LibCrypto
{
    private const string Lib = "libcrypto.so.3";

    public const int EVP_PKEY_RSA = 6;
    public const int EVP_PKEY_ED25519 = 1087;
    public const int RSA_PKCS1_PADDING = 1;

    [LibraryImport(Lib)]
    public static partial void ERR_clear_error();

    [LibraryImport(Lib)]
    public static partial void EVP_PKEY_free(IntPtr pkey);

    [LibraryImport(Lib)]
    public static unsafe partial IntPtr d2i_PrivateKey(int type, IntPtr a, byte** pp, nint length);

    [LibraryImport(Lib)]
    public static unsafe partial IntPtr d2i_PublicKey(int type, IntPtr a, byte** pp, nint length);

    [LibraryImport(Lib)]
    public static unsafe partial int i2d_PrivateKey(EvpPKeyHandle pkey, byte** pp);

    [LibraryImport(Lib)]
    public static unsafe partial int i2d_PublicKey(EvpPKeyHandle pkey, byte** pp);

    [LibraryImport(Lib)]
    public static partial int EVP_PKEY_get_bits(EvpPKeyHandle pkey);

    [LibraryImport(Lib)]
    public static partial int EVP_PKEY_get_size(EvpPKeyHandle pkey);

    [LibraryImport(Lib)]
    public static partial int EVP_PKEY_get_base_id(EvpPKeyHandle pkey);

    [LibraryImport(Lib)]
    public static partial int EVP_PKEY_up_ref(IntPtr pkey);

    [LibraryImport(Lib)]
    public static unsafe partial IntPtr EVP_PKEY_new_raw_public_key(int type, IntPtr engine, byte* key, nuint keylen);

    [LibraryImport(Lib)]
    public static partial EvpPKeyCtxHandle EVP_PKEY_CTX_new(EvpPKeyHandle pkey, IntPtr engine);

    [LibraryImport(Lib)]
    public static partial void EVP_PKEY_CTX_free(IntPtr ctx);

    [LibraryImport(Lib)]
    public static partial int EVP_PKEY_sign_init(EvpPKeyCtxHandle ctx);

    [LibraryImport(Lib)]
    public static partial int EVP_PKEY_verify_recover_init(EvpPKeyCtxHandle ctx);

    [LibraryImport(Lib)]
    public static partial int EVP_PKEY_CTX_set_rsa_padding(EvpPKeyCtxHandle ctx, int padding);

    [LibraryImport(Lib)]
    public static unsafe partial int EVP_PKEY_sign(EvpPKeyCtxHandle ctx, byte* sig, nuint* siglen, byte* tbs, nuint tbslen);

    [LibraryImport(Lib)]
    public static unsafe partial int EVP_PKEY_verify_recover(EvpPKeyCtxHandle ctx, byte* rout, nuint* routlen, byte* sig, nuint siglen);

    [LibraryImport(Lib)]
    public static partial EvpMdCtxHandle EVP_MD_CTX_new();

    [LibraryImport(Lib)]
    public static partial void EVP_MD_CTX_free(IntPtr ctx);

    [LibraryImport(Lib)]
    public static partial int EVP_DigestVerifyInit(EvpMdCtxHandle ctx, IntPtr pctx, IntPtr type, IntPtr engine, EvpPKeyHandle pkey);

    [LibraryImport(Lib)]
    public static unsafe partial int EVP_DigestVerify(EvpMdCtxHandle ctx, byte* sig, nuint siglen, byte* tbs, nuint tbslen);

    [LibraryImport(Lib)]
    public static unsafe partial IntPtr d2i_X509(IntPtr a, byte** pp, nint length);

    [LibraryImport(Lib)]
    public static partial void X509_free(IntPtr x);

    [LibraryImport(Lib)]
    public static partial int X509_verify(X509Handle x, EvpPKeyHandle pkey);

    /// <summary>Borrowed pointer (no reference taken); valid while the certificate lives.</summary>
    [LibraryImport(Lib)]
    public static partial IntPtr X509_get0_pubkey(X509Handle x);
}
