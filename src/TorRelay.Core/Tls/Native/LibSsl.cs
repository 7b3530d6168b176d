using System.Runtime.InteropServices;

namespace TorRelay.Core.Tls.Native;

/// <summary>
/// libssl (OpenSSL 3) entry points. Several OpenSSL "functions" are macros over SSL_CTX_ctrl / SSL_ctrl
/// (min/max protocol version, mode, session cache mode, groups list, DH auto, SNI); those are spelled out here
/// with their SSL_CTRL_* numbers from ssl.h.
/// </summary>
internal static unsafe partial class LibSsl
{
    private const string Lib = "libssl.so.3";

    public const int SSL_CTRL_MODE = 33;
    public const int SSL_CTRL_SET_SESS_CACHE_MODE = 44;
    public const int SSL_CTRL_SET_TLSEXT_HOSTNAME = 55;
    public const int SSL_CTRL_SET_GROUPS_LIST = 92;
    public const int SSL_CTRL_SET_DH_AUTO = 118;
    public const int SSL_CTRL_SET_MIN_PROTO_VERSION = 123;
    public const int SSL_CTRL_SET_MAX_PROTO_VERSION = 124;

    public const int TLSEXT_NAMETYPE_host_name = 0;
    public const int TLS1_2_VERSION = 0x0303;
    public const int TLS1_3_VERSION = 0x0304;

    public const ulong SSL_OP_TLSEXT_PADDING = 1UL << 4;
    public const ulong SSL_OP_NO_TICKET = 1UL << 14;
    public const ulong SSL_OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION = 1UL << 16;
    public const ulong SSL_OP_NO_COMPRESSION = 1UL << 17;
    public const ulong SSL_OP_CIPHER_SERVER_PREFERENCE = 1UL << 22;
    public const ulong SSL_OP_NO_SSLv3 = 1UL << 25;
    public const ulong SSL_OP_NO_RENEGOTIATION = 1UL << 30;

    public const long SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER = 0x2;
    public const long SSL_MODE_NO_AUTO_CHAIN = 0x8;
    public const long SSL_MODE_RELEASE_BUFFERS = 0x10;
    public const long SSL_SESS_CACHE_OFF = 0;

    public const int SSL_VERIFY_NONE = 0x00;
    public const int SSL_VERIFY_PEER = 0x01;

    public const int SSL_ERROR_NONE = 0;
    public const int SSL_ERROR_SSL = 1;
    public const int SSL_ERROR_WANT_READ = 2;
    public const int SSL_ERROR_WANT_WRITE = 3;
    public const int SSL_ERROR_SYSCALL = 5;
    public const int SSL_ERROR_ZERO_RETURN = 6;

    [LibraryImport(Lib)]
    public static partial IntPtr TLS_method();

    [LibraryImport(Lib)]
    public static partial IntPtr SSL_CTX_new(IntPtr method);

    [LibraryImport(Lib)]
    public static partial void SSL_CTX_free(IntPtr ctx);

    [LibraryImport(Lib)]
    public static partial ulong SSL_CTX_set_options(IntPtr ctx, ulong options);

    [LibraryImport(Lib)]
    public static partial void SSL_CTX_set_security_level(IntPtr ctx, int level);

    [LibraryImport(Lib)]
    public static partial nint SSL_CTX_ctrl(IntPtr ctx, int cmd, nint larg, IntPtr parg);

    [LibraryImport(Lib, EntryPoint = "SSL_CTX_ctrl", StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint SSL_CTX_ctrl_string(IntPtr ctx, int cmd, nint larg, string parg);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int SSL_CTX_set_cipher_list(IntPtr ctx, string list);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int SSL_CTX_set_ciphersuites(IntPtr ctx, string list);

    [LibraryImport(Lib)]
    public static partial int SSL_CTX_use_certificate(IntPtr ctx, IntPtr x509);

    [LibraryImport(Lib)]
    public static partial int SSL_CTX_use_PrivateKey(IntPtr ctx, IntPtr pkey);

    [LibraryImport(Lib)]
    public static partial int SSL_CTX_check_private_key(IntPtr ctx);

    [LibraryImport(Lib)]
    public static partial void SSL_CTX_set_verify(IntPtr ctx, int mode, delegate* unmanaged[Cdecl]<int, IntPtr, int> callback);

    [LibraryImport(Lib)]
    public static partial IntPtr SSL_CTX_get_cert_store(IntPtr ctx);

    [LibraryImport(Lib)]
    public static partial IntPtr SSL_new(IntPtr ctx);

    [LibraryImport(Lib)]
    public static partial void SSL_free(IntPtr ssl);

    [LibraryImport(Lib, EntryPoint = "SSL_ctrl", StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint SSL_ctrl_string(IntPtr ssl, int cmd, nint larg, string parg);

    [LibraryImport(Lib)]
    public static partial void SSL_set_bio(IntPtr ssl, IntPtr rbio, IntPtr wbio);

    [LibraryImport(Lib)]
    public static partial void SSL_set_accept_state(IntPtr ssl);

    [LibraryImport(Lib)]
    public static partial void SSL_set_connect_state(IntPtr ssl);

    [LibraryImport(Lib)]
    public static partial int SSL_do_handshake(IntPtr ssl);

    [LibraryImport(Lib)]
    public static partial int SSL_read(IntPtr ssl, byte* buf, int num);

    [LibraryImport(Lib)]
    public static partial int SSL_write(IntPtr ssl, byte* buf, int num);

    [LibraryImport(Lib)]
    public static partial int SSL_get_error(IntPtr ssl, int ret);

    [LibraryImport(Lib)]
    public static partial int SSL_shutdown(IntPtr ssl);

    public const int SSL_KEY_UPDATE_NONE = -1;

    [LibraryImport(Lib)]
    public static partial int SSL_get_key_update_type(IntPtr ssl);

    [LibraryImport(Lib)]
    public static partial IntPtr SSL_get1_peer_certificate(IntPtr ssl);

    [LibraryImport(Lib)]
    public static partial int SSL_export_keying_material(
        IntPtr ssl, byte* output, nuint outputLength, byte* label, nuint labelLength,
        byte* context, nuint contextLength, int useContext);

    [LibraryImport(Lib)]
    public static partial IntPtr SSL_get_version(IntPtr ssl);

    [LibraryImport(Lib)]
    public static partial IntPtr SSL_get_current_cipher(IntPtr ssl);

    [LibraryImport(Lib)]
    public static partial IntPtr SSL_CIPHER_get_name(IntPtr cipher);
}
