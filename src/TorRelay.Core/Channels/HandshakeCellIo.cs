using System.Buffers;
using System.IO.Pipelines;
using System.Security.Cryptography;
using TorRelay.Cells;

namespace TorRelay.Core.Channels;

/// <summary>
/// Reads and writes whole cells during the link handshake and keeps the SHA-256 digests of the bytes sent and
/// received that AUTH0003 signs (SLOG/CLOG), exactly as they went over the wire.
/// </summary>
internal sealed class HandshakeCellIo : IDisposable
{
    // No handshake cell is anywhere near this large; a peer that sends more is not speaking tor.
    private const int MaxBufferedBytes = 64 * 1024;

    private readonly PipeReader _reader;
    private readonly PipeWriter _writer;
    private IncrementalHash? _sent = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private IncrementalHash? _received = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public HandshakeCellIo(IDuplexPipe pipe)
    {
        _reader = pipe.Input;
        _writer = pipe.Output;
    }

    /// <summary>0 until VERSIONS is negotiated (2-byte circuit IDs), then the negotiated version.</summary>
    public int LinkVersion { get; set; }

    /// <summary>Stops adding sent bytes to the digest and returns it.</summary>
    public byte[] FinishSentDigest()
    {
        var d = _sent?.GetHashAndReset() ?? throw new InvalidOperationException("sent digest already finished");
        _sent.Dispose();
        _sent = null;
        return d;
    }

    /// <summary>The digest of everything received so far, without ending it.</summary>
    public byte[] CurrentReceivedDigest() =>
        _received?.GetCurrentHash() ?? throw new InvalidOperationException("received digest already finished");

    public void StopReceivedDigest()
    {
        _received?.Dispose();
        _received = null;
    }

    /// <summary>Reads the next cell; the payload is copied (handshake cells are few and small).</summary>
    /// <param name="record">Whether the cell counts towards the received digest (AUTHENTICATE does not).</param>
    public async ValueTask<(CellHeader Header, byte[] Payload)> ReadAsync(Func<CellCommand, bool> record, CancellationToken ct)
    {
        while (true)
        {
            var result = await _reader.ReadAsync(ct).ConfigureAwait(false);
            var buffer = result.Buffer;
            var start = buffer;
            if (CellFramer.TryRead(ref buffer, LinkVersion, out var header, out var payload, out _))
            {
                if (_received is not null && record(header.Command))
                    foreach (var segment in start.Slice(0, buffer.Start))
                        _received.AppendData(segment.Span);
                var bytes = payload.ToArray();
                _reader.AdvanceTo(buffer.Start);
                return (header, bytes);
            }
            if (result.IsCompleted)
            {
                _reader.AdvanceTo(buffer.Start, buffer.End);
                throw new LinkHandshakeException(buffer.IsEmpty ? "connection closed during handshake" : "truncated cell during handshake");
            }
            if (buffer.Length > MaxBufferedBytes) throw new LinkHandshakeException("oversized cell during handshake");
            _reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>Queues a cell; VERSIONS always goes with 2-byte circuit IDs.</summary>
    public void Write(CellCommand command, ReadOnlySpan<byte> payload)
    {
        int version = command == CellCommand.Versions ? 0 : LinkVersion;
        var tmp = new ArrayBufferWriter<byte>(payload.Length + 8);
        if (command.IsVariableLength()) CellFramer.WriteVar(tmp, version, CircId.None, command, payload);
        else CellFramer.WriteFixed(tmp, version, CircId.None, command, payload);
        _sent?.AppendData(tmp.WrittenSpan);
        _writer.Write(tmp.WrittenSpan);
    }

    public async ValueTask FlushAsync(CancellationToken ct)
    {
        var r = await _writer.FlushAsync(ct).ConfigureAwait(false);
        if (r.IsCompleted) throw new LinkHandshakeException("connection closed during handshake");
    }

    public void Dispose()
    {
        _sent?.Dispose();
        _received?.Dispose();
    }
}
