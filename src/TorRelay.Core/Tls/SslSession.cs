using System.Runtime.InteropServices;
using System.Text;
using TorRelay.Core.Tls.Native;

namespace TorRelay.Core.Tls;

/// <summary>What an SSL_read or handshake step reported.</summary>
internal enum SslStatus
{
    Ok,
    WantRead,
    Closed,
}

/// <summary>
/// One OpenSSL SSL object whose BIOs read and write <see cref="CiphertextQueues"/>: ciphertext from the socket is
/// queued for SSL_read, ciphertext to send is taken from the queue SSL_write filled. SSL objects are not thread-safe,
/// so every call holds this session's lock (one per connection), and so do OpenSSL's callbacks into the queues; the
/// lock also makes freeing exactly-once and never concurrent with a call.
/// The OpenSSL error queue is per thread: it is cleared before each operation and read on the same thread.
/// </summary>
internal sealed unsafe class SslSession : IDisposable
{
    private readonly Lock _lock = new();
    private readonly SslHandle _ssl;
    private readonly CiphertextQueues _queues;
    private GCHandle _queuesHandle; // what the BIOs point to; freed after the SSL object
    private bool _freed;
    private bool _shutdownSent;

    private SslSession(SslHandle ssl, CiphertextQueues queues, GCHandle queuesHandle)
    {
        _ssl = ssl;
        _queues = queues;
        _queuesHandle = queuesHandle;
    }

    public static SslSession Create(TlsContext context, bool isServer, string? serverName)
    {
        LibCrypto.ERR_clear_error();
        SslHandle ssl = context.NewSsl();
        var queues = new CiphertextQueues();
        var handle = GCHandle.Alloc(queues);
        IntPtr readBio = IntPtr.Zero, writeBio = IntPtr.Zero;
        try
        {
            readBio = CiphertextBio.New(handle);
            writeBio = CiphertextBio.New(handle);
        }
        catch
        {
            if (readBio != IntPtr.Zero) LibCrypto.BIO_free(readBio);
            ssl.Dispose();
            handle.Free();
            throw;
        }
        IntPtr raw = ssl.DangerousGetHandle();
        LibSsl.SSL_set_bio(raw, readBio, writeBio); // the SSL owns both BIOs from here on
        if (isServer)
        {
            LibSsl.SSL_set_accept_state(raw);
        }
        else
        {
            LibSsl.SSL_set_connect_state(raw);
            if (serverName is not null
                && LibSsl.SSL_ctrl_string(raw, LibSsl.SSL_CTRL_SET_TLSEXT_HOSTNAME, LibSsl.TLSEXT_NAMETYPE_host_name,
                    serverName) != 1)
            {
                var error = OpenSslError.Take("SSL_set_tlsext_host_name");
                ssl.Dispose();
                handle.Free();
                throw error;
            }
        }
        return new SslSession(ssl, queues, handle);
    }

    private IntPtr Ssl
    {
        get
        {
            ObjectDisposedException.ThrowIf(_freed, this);
            // SSL_get_error needs an empty queue. Looking is cheaper than clearing all of its slots on every
            // SSL_read, and it is almost always empty.
            if (LibCrypto.ERR_peek_error() != 0)
                LibCrypto.ERR_clear_error();
            return _ssl.DangerousGetHandle();
        }
    }

    /// <summary>Runs one SSL_do_handshake step: Ok when done, WantRead when more ciphertext is needed.</summary>
    public SslStatus Handshake()
    {
        lock (_lock)
        {
            IntPtr ssl = Ssl;
            int result = LibSsl.SSL_do_handshake(ssl);
            if (result == 1)
                return SslStatus.Ok;
            int error = LibSsl.SSL_get_error(ssl, result);
            if (error == LibSsl.SSL_ERROR_WANT_READ)
                return SslStatus.WantRead;
            throw OpenSslError.Take("TLS handshake failed", error);
        }
    }

    /// <summary>Queues ciphertext received from the socket in a pooled buffer, which the session now owns.</summary>
    public void AdoptCiphertext(byte[] pooled, int length)
    {
        lock (_lock)
        {
            if (_freed)
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(pooled);
                throw new ObjectDisposedException(nameof(SslSession));
            }
            _queues.AdoptInbound(pooled, length);
        }
    }

    /// <summary>Whether received ciphertext waits for SSL_read (records are read whole into a 16 KiB span, so OpenSSL
    /// keeps no plaintext of its own between reads).</summary>
    public bool HasCiphertextToRead
    {
        get
        {
            lock (_lock)
                return !_freed && _queues.InboundLength > 0;
        }
    }

    /// <summary>Ciphertext waiting to be sent.</summary>
    public int PendingCiphertext
    {
        get
        {
            lock (_lock)
                return _freed ? 0 : _queues.OutboundLength;
        }
    }

    /// <summary>Makes room for the ciphertext of <paramref name="plaintext"/> bytes in <paramref name="records"/> records.</summary>
    public void ReserveCiphertext(int plaintext, int records)
    {
        lock (_lock)
        {
            if (!_freed) _queues.ReserveOutbound(plaintext + records * MaxRecordOverhead);
        }
    }

    /// <summary>Takes all ciphertext waiting to be sent: a pooled buffer the caller returns, or null when there is none.</summary>
    public byte[]? TakeCiphertext(out int length)
    {
        lock (_lock)
        {
            length = 0;
            return _freed ? null : _queues.TakeOutbound(out length);
        }
    }

    /// <summary>Ciphertext bytes a record adds: TLS 1.3 a 5-byte header, the content type and a 16-byte tag; TLS 1.2
    /// with GCM 29.</summary>
    public const int MaxRecordOverhead = 32;

    /// <summary>
    /// SSL_read: Ok with bytes, WantRead when the buffered ciphertext holds no complete record (post-handshake
    /// messages such as tickets and key updates are consumed here), Closed on close_notify.
    /// </summary>
    public SslStatus Read(Span<byte> destination, out int bytesRead)
    {
        bytesRead = 0;
        lock (_lock)
        {
            IntPtr ssl = Ssl;
            int result;
            fixed (byte* p = destination)
                result = LibSsl.SSL_read(ssl, p, destination.Length);
            if (result > 0)
            {
                bytesRead = result;
                return SslStatus.Ok;
            }
            int error = LibSsl.SSL_get_error(ssl, result);
            return error switch
            {
                LibSsl.SSL_ERROR_WANT_READ => SslStatus.WantRead,
                LibSsl.SSL_ERROR_ZERO_RETURN => SslStatus.Closed,
                _ => throw OpenSslError.Take("SSL_read failed", error),
            };
        }
    }

    /// <summary>Encrypts all of <paramref name="data"/> into records (the outbound queue never blocks).</summary>
    public void Write(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
            return;
        lock (_lock)
        {
            IntPtr ssl = Ssl;
            int result;
            fixed (byte* p = data)
                result = LibSsl.SSL_write(ssl, p, data.Length);
            if (result != data.Length)
                throw OpenSslError.Take("SSL_write failed", LibSsl.SSL_get_error(ssl, result));
        }
    }

    /// <summary>
    /// A KeyUpdate the peer requested is only sent by OpenSSL on the next SSL_write; an empty SSL_write sends it
    /// now, so a peer waiting for it is not stalled until we next have data.
    /// </summary>
    public void AnswerKeyUpdate()
    {
        lock (_lock)
        {
            IntPtr ssl = Ssl;
            if (LibSsl.SSL_get_key_update_type(ssl) == LibSsl.SSL_KEY_UPDATE_NONE)
                return;
            byte unused = 0;
            LibSsl.SSL_write(ssl, &unused, 0);
            LibCrypto.ERR_clear_error();
        }
    }

    /// <summary>Queues our close_notify (once).</summary>
    public void Shutdown()
    {
        lock (_lock)
        {
            if (_freed || _shutdownSent)
                return;
            _shutdownSent = true;
            LibSsl.SSL_shutdown(Ssl);
            LibCrypto.ERR_clear_error();
        }
    }

    public byte[]? GetPeerCertificate()
    {
        lock (_lock)
        {
            IntPtr x509 = LibSsl.SSL_get1_peer_certificate(Ssl);
            if (x509 == IntPtr.Zero)
                return null;
            try { return Encode(x509); }
            finally { LibCrypto.X509_free(x509); }
        }
    }

    private static byte[] Encode(IntPtr x509)
    {
        int length = LibCrypto.i2d_X509(x509, null);
        if (length <= 0)
            throw OpenSslError.Take("i2d_X509");
        var der = new byte[length];
        fixed (byte* p = der)
        {
            byte* cursor = p;
            if (LibCrypto.i2d_X509(x509, &cursor) != length)
                throw OpenSslError.Take("i2d_X509");
        }
        return der;
    }

    public void ExportKeyingMaterial(string label, ReadOnlySpan<byte> context, bool useContext, Span<byte> output)
    {
        int labelLength = Encoding.ASCII.GetByteCount(label);
        Span<byte> labelBytes = labelLength <= 256 ? stackalloc byte[labelLength] : new byte[labelLength];
        Encoding.ASCII.GetBytes(label, labelBytes);
        lock (_lock)
        {
            IntPtr ssl = Ssl;
            int result;
            fixed (byte* o = output)
            fixed (byte* l = labelBytes)
            fixed (byte* c = context)
            {
                result = LibSsl.SSL_export_keying_material(ssl, o, (nuint)output.Length, l, (nuint)labelBytes.Length,
                    c, (nuint)context.Length, useContext ? 1 : 0);
            }
            if (result != 1)
                throw OpenSslError.Take("SSL_export_keying_material");
        }
    }

    public string Protocol
    {
        get
        {
            lock (_lock)
                return NameAt(LibSsl.SSL_get_version(Ssl));
        }
    }

    public string CipherSuite
    {
        get
        {
            lock (_lock)
            {
                IntPtr cipher = LibSsl.SSL_get_current_cipher(Ssl);
                return cipher == IntPtr.Zero ? "" : NameAt(LibSsl.SSL_CIPHER_get_name(cipher));
            }
        }
    }

    // OpenSSL's protocol and cipher names are static strings: one managed copy of each, not one per connection.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<IntPtr, string> Names = new();

    private static string NameAt(IntPtr name) =>
        name == IntPtr.Zero ? "" : Names.GetOrAdd(name, static p => Marshal.PtrToStringUTF8(p) ?? "");

    /// <summary>Frees the SSL object and its BIOs exactly once.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_freed)
                return;
            _freed = true;
            _ssl.Dispose(); // frees both BIOs; no callback runs after this
            _queues.Dispose();
            _queuesHandle.Free();
        }
    }
}
