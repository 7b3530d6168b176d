using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace TorRelay.Core.Tls;

public sealed partial class TlsConnection
{
    private async Task SendLoopAsync()
    {
        PipeReader reader = _output.Reader;
        Exception? error = null;
        try
        {
            while (true)
            {
                ReadResult result = await reader.ReadAsync().ConfigureAwait(false);
                if (IsAborted)
                    break;
                ReadOnlySequence<byte> buffer = result.Buffer;
                // An empty cancelled read means the receive loop left a reply in the write BIO.
                if (!buffer.IsEmpty || _session.PendingCiphertext > 0)
                    await EncryptAndSendAsync(buffer).ConfigureAwait(false);
                reader.AdvanceTo(buffer.End);
                if (result.IsCompleted)
                {
                    _session.Shutdown();
                    await SendPendingAsync().ConfigureAwait(false);
                    _socket.Shutdown(SocketShutdown.Send);
                    break;
                }
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
            await reader.CompleteAsync(error).ConfigureAwait(false);
        }
    }

    /// <summary>Encrypts in batches of four records (64 KiB of ciphertext), sending each batch with one socket write.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask EncryptAndSendAsync(ReadOnlySequence<byte> plaintext)
    {
        byte[]? staging = null;
        try
        {
            do
            {
                var batch = plaintext.Slice(0, Math.Min(plaintext.Length, SendBatchPlaintext));
                if (!batch.IsEmpty)
                {
                    int length = (int)batch.Length;
                    _session.ReserveCiphertext(length, (length + MaxRecordPlaintext - 1) / MaxRecordPlaintext);
                    Encrypt(batch, staging ??= Rent<byte>(MaxRecordPlaintext));
                }
                plaintext = plaintext.Slice(batch.End);
                await SendCiphertextAsync(_socket, _session, _traffic).ConfigureAwait(false);
            }
            while (!plaintext.IsEmpty);
        }
        finally
        {
            Return(staging);
        }
    }

    private ValueTask SendPendingAsync() => SendCiphertextAsync(_socket, _session, _traffic);

    /// <summary>Coalesces small writes into full 16 KiB records; large contiguous spans are encrypted in place.</summary>
    private void Encrypt(in ReadOnlySequence<byte> plaintext, byte[] staging)
    {
        int staged = 0;
        foreach (ReadOnlyMemory<byte> segment in plaintext)
        {
            ReadOnlySpan<byte> span = segment.Span;
            while (!span.IsEmpty)
            {
                if (staged == 0 && span.Length >= MaxRecordPlaintext)
                {
                    _session.Write(span[..MaxRecordPlaintext]);
                    span = span[MaxRecordPlaintext..];
                    continue;
                }
                int n = Math.Min(span.Length, MaxRecordPlaintext - staged);
                span[..n].CopyTo(staging.AsSpan(staged));
                staged += n;
                span = span[n..];
                if (staged == MaxRecordPlaintext)
                {
                    _session.Write(staging.AsSpan(0, staged));
                    staged = 0;
                }
            }
        }
        if (staged > 0)
            _session.Write(staging.AsSpan(0, staged));
    }
}
