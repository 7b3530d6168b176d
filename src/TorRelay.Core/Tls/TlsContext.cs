using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using TorRelay.Core.Tls.Native;

namespace TorRelay.Core.Tls;

/// <summary>
/// An OpenSSL SSL_CTX configured like C tor's (tor_tls_context_new): TLS 1.2–1.3, C tor's cipher and group lists,
/// no compression, no session cache, no tickets from servers, no renegotiation, security level 1 (RSA-1024 identity
/// keys sign our certificates). OpenSSL never judges a peer's certificate: in the v3 link handshake certificates
/// are checked from the CERTS cell. As C tor's server does for every modern (v2+ cipher list) client, a responder
/// sends only its link certificate (no chain) and requests no client certificate; an initiator accepts whatever
/// the responder presents and keeps it for <see cref="TlsConnection.PeerCertificateDer"/>.
/// </summary>
public sealed unsafe class TlsContext : IDisposable
{
    private readonly SslCtxHandle _ctx;

    private TlsContext(SslCtxHandle ctx, bool isServer, byte[]? certificateDer)
    {
        _ctx = ctx;
        IsServer = isServer;
        CertificateDer = certificateDer;
    }

    /// <summary>True for a responder (accepting) context.</summary>
    public bool IsServer { get; }

    /// <summary>Told about every ciphertext byte read or written on connections made with this context.</summary>
    public ITlsTrafficObserver? Traffic { get; set; }

    /// <summary>The certificate this context presents (DER), or null for a client without one.</summary>
    public byte[]? CertificateDer { get; }

    /// <summary>
    /// A responder context presenting <paramref name="linkCertDer"/> with <paramref name="linkKey"/>.
    /// <paramref name="identityCertDer"/>, when given, goes into the context's certificate store as in C tor;
    /// like C tor it is never sent (no automatic chain), the CERTS cell carries it.
    /// </summary>
    public static TlsContext CreateServer(byte[] linkCertDer, RSA linkKey, byte[]? identityCertDer = null)
    {
        ArgumentNullException.ThrowIfNull(linkCertDer);
        ArgumentNullException.ThrowIfNull(linkKey);
        return Create(isServer: true, linkCertDer, linkKey, identityCertDer);
    }

    /// <summary>
    /// An initiator context. C tor relays initiate with their server context, so their link certificate would go
    /// to a responder that asks for one (C tor responders never ask); pass it here to do the same. Clients pass
    /// nothing.
    /// </summary>
    public static TlsContext CreateClient(byte[]? certDer = null, RSA? key = null)
    {
        if ((certDer is null) != (key is null))
            throw new ArgumentException("A client certificate needs its key, and a key needs its certificate.");
        return Create(isServer: false, certDer, key, identityCertDer: null);
    }

    private static TlsContext Create(bool isServer, byte[]? certDer, RSA? key, byte[]? identityCertDer)
    {
        LibCrypto.ERR_clear_error();
        var handle = SslCtxHandle.Create();
        try
        {
            Configure(handle.DangerousGetHandle(), isServer, certDer, key, identityCertDer);
            return new TlsContext(handle, isServer, certDer is null ? null : (byte[])certDer.Clone());
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    private static void Configure(IntPtr ctx, bool isServer, byte[]? certDer, RSA? key, byte[]? identityCertDer)
    {
        LibSsl.SSL_CTX_set_security_level(ctx, 1);
        ulong options = LibSsl.SSL_OP_NO_SSLv3 | LibSsl.SSL_OP_CIPHER_SERVER_PREFERENCE
            | LibSsl.SSL_OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION | LibSsl.SSL_OP_NO_COMPRESSION
            | LibSsl.SSL_OP_NO_RENEGOTIATION | LibSsl.SSL_OP_TLSEXT_PADDING;
        if (isServer)
            options |= LibSsl.SSL_OP_NO_TICKET;
        LibSsl.SSL_CTX_set_options(ctx, options);
        Ctrl(ctx, LibSsl.SSL_CTRL_SET_MIN_PROTO_VERSION, LibSsl.TLS1_2_VERSION, "set min protocol version");
        Ctrl(ctx, LibSsl.SSL_CTRL_SET_MAX_PROTO_VERSION, LibSsl.TLS1_3_VERSION, "set max protocol version");
        long mode = LibSsl.SSL_MODE_RELEASE_BUFFERS | LibSsl.SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER;
        if (isServer)
            mode |= LibSsl.SSL_MODE_NO_AUTO_CHAIN; // C tor's server info callback sets this for v2+ clients
        LibSsl.SSL_CTX_ctrl(ctx, LibSsl.SSL_CTRL_MODE, (nint)mode, IntPtr.Zero);
        LibSsl.SSL_CTX_ctrl(ctx, LibSsl.SSL_CTRL_SET_SESS_CACHE_MODE, (nint)LibSsl.SSL_SESS_CACHE_OFF, IntPtr.Zero);
        Ctrl(ctx, LibSsl.SSL_CTRL_SET_DH_AUTO, 1, "enable DHE parameters");

        OpenSslError.ThrowIfFailed(
            LibSsl.SSL_CTX_set_cipher_list(ctx, isServer ? TorCipherLists.Server : TorCipherLists.Client),
            "SSL_CTX_set_cipher_list");
        if (!isServer)
            OpenSslError.ThrowIfFailed(LibSsl.SSL_CTX_set_ciphersuites(ctx, TorCipherLists.ClientTls13),
                "SSL_CTX_set_ciphersuites");
        SetGroups(ctx);

        if (certDer is not null && key is not null)
        {
            UseCertificate(ctx, certDer);
            UsePrivateKey(ctx, key);
            OpenSslError.ThrowIfFailed(LibSsl.SSL_CTX_check_private_key(ctx), "SSL_CTX_check_private_key");
        }
        if (identityCertDer is not null)
            AddToStore(ctx, identityCertDer);

        // Servers: C tor switches to SSL_VERIFY_NONE for v2+ clients, so no CertificateRequest is sent.
        // Clients: SSL_VERIFY_PEER with C tor's always_accept_verify_cb.
        if (isServer)
            LibSsl.SSL_CTX_set_verify(ctx, LibSsl.SSL_VERIFY_NONE, null);
        else
            LibSsl.SSL_CTX_set_verify(ctx, LibSsl.SSL_VERIFY_PEER, &AcceptAnyCertificate);
        LibCrypto.ERR_clear_error();
    }

    private static void Ctrl(IntPtr ctx, int cmd, nint value, string what)
    {
        if (LibSsl.SSL_CTX_ctrl(ctx, cmd, value, IntPtr.Zero) != 1)
            throw OpenSslError.Take(what);
    }

    private static void SetGroups(IntPtr ctx)
    {
        ulong version = LibCrypto.OpenSSL_version_num();
        foreach (var (minVersion, groups) in TorCipherLists.Groups)
        {
            if (version < minVersion)
                continue;
            if (LibSsl.SSL_CTX_ctrl_string(ctx, LibSsl.SSL_CTRL_SET_GROUPS_LIST, 0, groups) == 1)
                return;
            LibCrypto.ERR_clear_error();
        }
        // Like C tor: fall back to the library defaults.
    }

    private static void UseCertificate(IntPtr ctx, byte[] der)
    {
        IntPtr x509 = DecodeCertificate(der);
        try { OpenSslError.ThrowIfFailed(LibSsl.SSL_CTX_use_certificate(ctx, x509), "SSL_CTX_use_certificate"); }
        finally { LibCrypto.X509_free(x509); }
    }

    private static void AddToStore(IntPtr ctx, byte[] der)
    {
        IntPtr x509 = DecodeCertificate(der);
        try
        {
            OpenSslError.ThrowIfFailed(LibCrypto.X509_STORE_add_cert(LibSsl.SSL_CTX_get_cert_store(ctx), x509),
                "X509_STORE_add_cert");
        }
        finally { LibCrypto.X509_free(x509); }
    }

    private static void UsePrivateKey(IntPtr ctx, RSA key)
    {
        byte[] pkcs8 = key.ExportPkcs8PrivateKey();
        try
        {
            IntPtr pkey;
            fixed (byte* p = pkcs8)
            {
                byte* cursor = p;
                pkey = LibCrypto.d2i_AutoPrivateKey(null, &cursor, pkcs8.Length);
            }
            if (pkey == IntPtr.Zero)
                throw OpenSslError.Take("d2i_AutoPrivateKey");
            try { OpenSslError.ThrowIfFailed(LibSsl.SSL_CTX_use_PrivateKey(ctx, pkey), "SSL_CTX_use_PrivateKey"); }
            finally { LibCrypto.EVP_PKEY_free(pkey); }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }
    }

    private static IntPtr DecodeCertificate(byte[] der)
    {
        IntPtr x509;
        fixed (byte* p = der)
        {
            byte* cursor = p;
            x509 = LibCrypto.d2i_X509(null, &cursor, der.Length);
        }
        if (x509 == IntPtr.Zero)
            throw OpenSslError.Take("d2i_X509");
        return x509;
    }

    // C tor's always_accept_verify_cb: the link handshake authenticates peers, not OpenSSL.
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int AcceptAnyCertificate(int preverifyOk, IntPtr storeContext) => 1;

    internal SslHandle NewSsl()
    {
        ObjectDisposedException.ThrowIf(_ctx.IsClosed, this);
        return SslHandle.Create(_ctx);
    }

    public void Dispose() => _ctx.Dispose();
}
