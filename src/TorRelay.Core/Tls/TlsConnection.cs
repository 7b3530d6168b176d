using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace TorRelay.Core.Tls;

/// <summary>
/// A TLS connection over a connected socket, driven through OpenSSL with our own BIOs (<see cref="CiphertextBio"/>).
/// After the handshake, <see cref="Transport"/> carries plaintext: a receive loop (socket → SSL_read →
/// <c>Transport.Input</c>, pausing while the application lags behind) and a send loop (<c>Transport.Output</c> →
/// SSL_write in full-size records → one socket send per batch). The connection owns the socket from the moment
/// AcceptAsync/ConnectAsync is called (it is disposed if the handshake fails).
/// </summary>
public sealed partial class TlsConnection : IAsyncDisposable
{
    private const int ReceiveBufferSize = 32 * 1024;
    private const int MaxRecordPlaintext = 16 * 1024;
    // Four records whose ciphertext fits a 64 KiB pooled buffer (below the large object heap's 85,000 bytes).
    private const int SendBatchPlaintext = 4 * (MaxRecordPlaintext - SslSession.MaxRecordOverhead);
    private const long PauseThreshold = 1024 * 1024;
    private const long ResumeThreshold = 512 * 1024;
    // Plaintext waiting for a full socket: a few records, so that a backlog waits in the application's queues instead.
    private const long OutputPauseThreshold = 128 * 1024;
    private const long OutputResumeThreshold = 64 * 1024;
    private static readonly TimeSpan GracefulCloseTimeout = TimeSpan.FromSeconds(5);

    // Both readers run inline: the application handles received records on the receive loop's thread, and the send
    // loop encrypts and sends on the thread that flushed. A batch of cells then crosses no thread boundary; only a
    // socket that is full (or empty) hands work to another thread. Shared by every connection (they hold no state).
    private static readonly PipeOptions InputOptions = new(pauseWriterThreshold: PauseThreshold,
        resumeWriterThreshold: ResumeThreshold, minimumSegmentSize: MaxRecordPlaintext, readerScheduler: PipeScheduler.Inline,
        useSynchronizationContext: false);
    private static readonly PipeOptions OutputOptions = new(pauseWriterThreshold: OutputPauseThreshold,
        resumeWriterThreshold: OutputResumeThreshold, readerScheduler: PipeScheduler.Inline, useSynchronizationContext: false);

    private readonly Socket _socket;
    private readonly SslSession _session;
    private readonly Pipe _input;   // socket -> application
    private readonly Pipe _output;  // application -> socket
    private Task _receiveTask = Task.CompletedTask;
    private Task _sendTask = Task.CompletedTask;
    private readonly Lock _disposeLock = new();
    private Task? _disposeTask;
    private int _aborted;

    private readonly ITlsTrafficObserver? _traffic;

    private TlsConnection(Socket socket, SslSession session, TlsContext context)
    {
        _socket = socket;
        _session = session;
        _traffic = context.Traffic;
        IsServer = context.IsServer;
        RemoteEndPoint = socket.RemoteEndPoint!;
        LocalEndPoint = socket.LocalEndPoint!;
        PeerCertificateDer = session.GetPeerCertificate();
        LocalCertificateDer = context.CertificateDer;
        Protocol = session.Protocol;
        CipherSuite = session.CipherSuite;
        _input = new Pipe(InputOptions);
        _output = new Pipe(OutputOptions);
        Transport = new DuplexPipe(_input.Reader, _output.Writer);
    }

    /// <summary>Plaintext in both directions. Complete <c>Transport.Output</c> to close gracefully
    /// (close_notify, then FIN); <c>Transport.Input</c> completes when the peer closes.</summary>
    public IDuplexPipe Transport { get; }

    /// <summary>The peer's TLS certificate (DER), or null if it sent none (clients usually send none).</summary>
    public byte[]? PeerCertificateDer { get; }

    /// <summary>The certificate we presented (DER), or null.</summary>
    public byte[]? LocalCertificateDer { get; }

    public bool IsServer { get; }

    public EndPoint RemoteEndPoint { get; }

    public EndPoint LocalEndPoint { get; }

    /// <summary>Negotiated protocol as OpenSSL names it, e.g. "TLSv1.3".</summary>
    public string Protocol { get; }

    /// <summary>Negotiated cipher suite as OpenSSL names it, e.g. "TLS_AES_256_GCM_SHA384".</summary>
    public string CipherSuite { get; }

    private bool IsAborted => Volatile.Read(ref _aborted) != 0;

    /// <summary>Performs the server side of the handshake on an accepted socket.</summary>
    public static Task<TlsConnection> AcceptAsync(Socket socket, TlsContext context, CancellationToken cancellationToken)
        => HandshakeAsync(socket, context, isServer: true, cancellationToken);

    /// <summary>Performs the client side of the handshake on a connected socket.</summary>
    public static Task<TlsConnection> ConnectAsync(Socket socket, TlsContext context, CancellationToken cancellationToken)
        => HandshakeAsync(socket, context, isServer: false, cancellationToken);

    /// <summary>
    /// RFC 5705 / RFC 8446 exporter with a context, as C tor's tor_tls_export_key_material calls it
    /// (use_context = 1 even for an empty context).
    /// </summary>
    public void ExportKeyingMaterial(string label, ReadOnlySpan<byte> context, Span<byte> output)
        => _session.ExportKeyingMaterial(label, context, useContext: true, output);

    /// <summary>Exporter without a context (use_context = 0; what <c>openssl -keymatexport</c> computes).
    /// Under TLS 1.3 this equals the empty-context export; under TLS 1.2 it differs.</summary>
    public void ExportKeyingMaterial(string label, Span<byte> output)
        => _session.ExportKeyingMaterial(label, ReadOnlySpan<byte>.Empty, useContext: false, output);

    /// <summary>Closes the socket at once, dropping unsent data; both pipe directions end with an error.</summary>
    public void Abort()
    {
        if (Interlocked.Exchange(ref _aborted, 1) != 0)
            return;
        _socket.Dispose();
        try { _input.Writer.CancelPendingFlush(); } catch (InvalidOperationException) { }
        try { _output.Reader.CancelPendingRead(); } catch (InvalidOperationException) { }
    }

    /// <summary>
    /// Graceful close: flushes what the application wrote, sends close_notify and FIN (waiting at most a few
    /// seconds for a peer that does not read), then closes the socket and frees the native SSL object.
    /// </summary>
    public ValueTask DisposeAsync()
    {
        lock (_disposeLock)
            _disposeTask ??= DisposeCoreAsync();
        return new ValueTask(_disposeTask);
    }

    private async Task DisposeCoreAsync()
    {
        try { _output.Writer.Complete(); } catch (InvalidOperationException) { }
        if (!IsAborted)
        {
            try { await _sendTask.WaitAsync(GracefulCloseTimeout).ConfigureAwait(false); }
            catch (TimeoutException) { }
        }
        Abort();
        await Task.WhenAll(_receiveTask, _sendTask).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        try { _input.Reader.Complete(); } catch (InvalidOperationException) { }
        _session.Dispose();
    }

    private void Start()
    {
        _receiveTask = ReceiveLoopAsync();
        _sendTask = SendLoopAsync();
    }

    /// <summary>Sends what the session has to send, one socket write per buffer it hands over.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private static async ValueTask SendCiphertextAsync(Socket socket, SslSession session, ITlsTrafficObserver? traffic = null)
    {
        while (session.TakeCiphertext(out int n) is { } ciphertext)
        {
            try
            {
                int sent = 0;
                while (sent < n)
                    sent += await socket.SendAsync(ciphertext.AsMemory(sent, n - sent), SocketFlags.None)
                        .ConfigureAwait(false);
                traffic?.BytesWritten(n);
            }
            finally
            {
                Return(ciphertext);
            }
        }
    }

    /// <summary>What the application sees when a loop fails: always an IOException, like NetworkStream.</summary>
    private Exception ToPipeError(Exception ex) => ex switch
    {
        _ when IsAborted => new IOException("The TLS connection was aborted.", ex),
        IOException => ex,
        _ => new IOException(ex.Message, ex),
    };

    private static T[] Rent<T>(int length) => ArrayPool<T>.Shared.Rent(length);

    private static void Return(byte[]? buffer)
    {
        if (buffer is not null)
            ArrayPool<byte>.Shared.Return(buffer);
    }
}
