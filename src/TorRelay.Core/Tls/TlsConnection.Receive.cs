using System.IO.Pipelines;
using System.Net.Sockets;

namespace TorRelay.Core.Tls;

public sealed partial class TlsConnection
{
    private async Task ReceiveLoopAsync()
    {
        PipeWriter writer = _input.Writer;
        Exception? error = null;
        try
        {
            // The handshake's last read may already hold application records.
            bool open = DecryptAvailable(writer);
            bool lastReadFilledBuffer = false;
            while (true)
            {
                FlushResult flush = await writer.FlushAsync().ConfigureAwait(false);
                if (!open || flush.IsCompleted || flush.IsCanceled || IsAborted)
                    break;
                // Idle connections hold no buffer: wait for readability with a zero-byte read first.
                if (!lastReadFilledBuffer)
                    await _socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None).ConfigureAwait(false);
                byte[]? buffer = Rent<byte>(ReceiveBufferSize);
                try
                {
                    int n = await _socket.ReceiveAsync(buffer.AsMemory(0, ReceiveBufferSize), SocketFlags.None)
                        .ConfigureAwait(false);
                    if (n == 0)
                        break; // FIN without close_notify: tor treats both the same
                    lastReadFilledBuffer = n == ReceiveBufferSize;
                    _traffic?.BytesRead(n);
                    var received = buffer;
                    buffer = null;
                    _session.AdoptCiphertext(received, n); // SSL_read takes the records from this very buffer
                }
                finally
                {
                    Return(buffer);
                }
                open = DecryptAvailable(writer);
                // SSL_read may have left a reply to send (a TLS 1.3 KeyUpdate response, an alert): the send loop
                // sends it.
                _session.AnswerKeyUpdate();
                if (_session.PendingCiphertext > 0)
                    WakeSendLoop();
            }
        }
        catch (Exception ex)
        {
            error = ToPipeError(ex);
            Abort();
        }
        finally
        {
            if (error is null && IsAborted)
                error = new IOException("The TLS connection was aborted.");
            await writer.CompleteAsync(error).ConfigureAwait(false);
        }
    }

    private void WakeSendLoop()
    {
        try { _output.Reader.CancelPendingRead(); }
        catch (InvalidOperationException) { } // the send loop already finished
    }

    /// <summary>Moves every complete record's plaintext into the pipe; false once the peer sent close_notify.</summary>
    /// <remarks>A span is asked of the pipe only while ciphertext waits: one asked for and left unwritten is a pooled
    /// 16 KiB segment that the pipe holds until its reader has taken everything before it.</remarks>
    private bool DecryptAvailable(PipeWriter writer)
    {
        while (_session.HasCiphertextToRead)
        {
            Span<byte> span = writer.GetSpan(MaxRecordPlaintext);
            switch (_session.Read(span, out int n))
            {
                case SslStatus.Ok:
                    writer.Advance(n);
                    break;
                case SslStatus.WantRead:
                    return true;
                default:
                    return false;
            }
        }
        return true;
    }
}
