using System.Runtime.InteropServices;

namespace TorRelay.Core.Tls.Native;

/// <summary>libcrypto (OpenSSL 3) entry points used by the TLS layer: X.509/key decoding, memory BIOs, errors.</summary>
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
    public static partial IntPtr BIO_s_mem();

    [LibraryImport(Lib)]
    public static partial IntPtr BIO_new(IntPtr method);

    [LibraryImport(Lib)]
    public static partial int BIO_free(IntPtr bio);

    [LibraryImport(Lib)]
    public static partial int BIO_read(IntPtr bio, byte* data, int length);

    [LibraryImport(Lib)]
    public static partial int BIO_write(IntPtr bio, byte* data, int length);

    [LibraryImport(Lib)]
    public static partial nuint BIO_ctrl_pending(IntPtr bio);

    [LibraryImport(Lib)]
    public static partial void ERR_clear_error();

    [LibraryImport(Lib)]
    public static partial ulong ERR_get_error();

    [LibraryImport(Lib)]
    public static partial void ERR_error_string_n(ulong error, byte* buffer, nuint length);
}
