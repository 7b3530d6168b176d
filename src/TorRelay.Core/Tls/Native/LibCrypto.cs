using System.Runtime.InteropServices;

namespace TorRelay.Core.Tls.Native;

/// <summary>libcrypto (OpenSSL 3) entry points used by the TLS layer: X.509/key decoding, our ciphertext BIO type, errors.</summary>
internal static unsafe partial class LibCrypto
{
    private const string Lib = "libcrypto.so.3";

    [LibraryImport(Lib)]
    public static partial ulong OpenSSL_version_num();

    [LibraryImport(Lib)]
    public static partial IntPtr d2i_X509(IntPtr* x509, byte** input, nint length);

    [LibraryImport(Lib)]
    public static partial int i2d_X509(IntPtr x509, byte** output);

    [LibraryImport(Lib)]
    public static partial void X509_free(IntPtr x509);

    [LibraryImport(Lib)]
    public static partial int X509_STORE_add_cert(IntPtr store, IntPtr x509);

    [LibraryImport(Lib)]
    public static partial IntPtr d2i_AutoPrivateKey(IntPtr* key, byte** input, nint length);

    [LibraryImport(Lib)]
    public static partial void EVP_PKEY_free(IntPtr key);

    [LibraryImport(Lib)]
    public static partial int BIO_get_new_index();

    [LibraryImport(Lib)]
    public static partial IntPtr BIO_meth_new(int type, byte* name);

    [LibraryImport(Lib)]
    public static partial int BIO_meth_set_write_ex(IntPtr method, delegate* unmanaged<IntPtr, byte*, nuint, nuint*, int> write);

    [LibraryImport(Lib)]
    public static partial int BIO_meth_set_read_ex(IntPtr method, delegate* unmanaged<IntPtr, byte*, nuint, nuint*, int> read);

    [LibraryImport(Lib)]
    public static partial int BIO_meth_set_ctrl(IntPtr method, delegate* unmanaged<IntPtr, int, nint, IntPtr, nint> ctrl);

    [LibraryImport(Lib)]
    public static partial void BIO_set_data(IntPtr bio, IntPtr data);

    [LibraryImport(Lib)]
    public static partial IntPtr BIO_get_data(IntPtr bio);

    [LibraryImport(Lib)]
    public static partial void BIO_set_init(IntPtr bio, int init);

    [LibraryImport(Lib)]
    public static partial void BIO_set_flags(IntPtr bio, int flags);

    [LibraryImport(Lib)]
    public static partial void BIO_clear_flags(IntPtr bio, int flags);

    [LibraryImport(Lib)]
    public static partial IntPtr BIO_new(IntPtr method);

    [LibraryImport(Lib)]
    public static partial int BIO_free(IntPtr bio);

    [LibraryImport(Lib)]
    public static partial void ERR_clear_error();

    [LibraryImport(Lib)]
    public static partial ulong ERR_get_error();

    [LibraryImport(Lib)]
    public static partial ulong ERR_peek_error();

    [LibraryImport(Lib)]
    public static partial void ERR_error_string_n(ulong error, byte* buffer, nuint length);
}
