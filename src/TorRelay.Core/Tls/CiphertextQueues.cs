using System.Buffers;

namespace TorRelay.Core.Tls;

/// <summary>
/// The ciphertext between one SSL object and its socket: received bytes waiting for SSL_read, and records SSL_write
/// produced waiting to be sent. Each side holds a pooled buffer only while it has bytes in it, so an idle connection
/// holds none (a memory BIO keeps its largest size for the connection's life: about 130 KB once a link has carried
/// bulk traffic). Not thread-safe: <see cref="SslSession"/> calls it under its lock, directly or from OpenSSL through
/// <see cref="CiphertextBio"/>.
/// </summary>
internal sealed class CiphertextQueues : IDisposable
{
    private byte[]? _in;
    private int _inStart, _inEnd;
    private byte[]? _out;
    private int _outLength;

    public int InboundLength => _inEnd - _inStart;

    public int OutboundLength => _outLength;

    /// <summary>Queues received ciphertext, taking ownership of a pooled buffer (adopted when nothing is waiting).</summary>
    public void AdoptInbound(byte[] pooled, int length)
    {
        if (_in is null)
        {
            (_in, _inStart, _inEnd) = (pooled, 0, length);
            return;
        }
        try { AppendInbound(pooled.AsSpan(0, length)); }
        finally { ArrayPool<byte>.Shared.Return(pooled); }
    }

    /// <summary>Copies <paramref name="data"/> behind the bytes already waiting, moving them to the front or to a larger buffer first.</summary>
    private void AppendInbound(ReadOnlySpan<byte> data)
    {
        int pending = InboundLength;
        if (_in!.Length - _inEnd < data.Length)
        {
            byte[] target = _in.Length >= pending + data.Length ? _in : Rent(pending + data.Length);
            _in.AsSpan(_inStart, pending).CopyTo(target);
            if (!ReferenceEquals(target, _in)) ArrayPool<byte>.Shared.Return(_in);
            (_in, _inStart, _inEnd) = (target, 0, pending);
        }
        data.CopyTo(_in.AsSpan(_inEnd));
        _inEnd += data.Length;
    }

    /// <summary>Takes up to <paramref name="destination"/>.Length received bytes; 0 when none wait.</summary>
    public int ReadInbound(Span<byte> destination)
    {
        int n = Math.Min(destination.Length, InboundLength);
        if (n == 0) return 0;
        _in.AsSpan(_inStart, n).CopyTo(destination);
        _inStart += n;
        if (_inStart == _inEnd) ReleaseInbound();
        return n;
    }

    /// <summary>Makes room for <paramref name="bytes"/> more outbound ciphertext, so a batch of records needs one buffer.</summary>
    public void ReserveOutbound(int bytes)
    {
        if (_out is null) _out = Rent(bytes);
        else if (_out.Length - _outLength < bytes) Grow(_outLength + bytes);
    }

    /// <summary>Queues ciphertext to send (what OpenSSL writes).</summary>
    public void AppendOutbound(ReadOnlySpan<byte> data)
    {
        ReserveOutbound(data.Length);
        data.CopyTo(_out.AsSpan(_outLength));
        _outLength += data.Length;
    }

    /// <summary>Hands over the queued outbound ciphertext: a pooled buffer the caller returns, or null when there is none.</summary>
    public byte[]? TakeOutbound(out int length)
    {
        var taken = _out;
        length = _outLength;
        (_out, _outLength) = (null, 0);
        if (taken is not null && length == 0)
        {
            ArrayPool<byte>.Shared.Return(taken);
            taken = null;
        }
        return taken;
    }

    public void Dispose()
    {
        ReleaseInbound();
        if (TakeOutbound(out _) is { } rest) ArrayPool<byte>.Shared.Return(rest);
    }

    private void Grow(int needed)
    {
        var larger = Rent(Math.Max(needed, 2 * _out!.Length));
        _out.AsSpan(0, _outLength).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(_out);
        _out = larger;
    }

    private void ReleaseInbound()
    {
        if (_in is not null) ArrayPool<byte>.Shared.Return(_in);
        (_in, _inStart, _inEnd) = (null, 0, 0);
    }

    // Small writes (a cell, a handshake flight) still get a buffer worth reusing from the pool.
    private static byte[] Rent(int length) => ArrayPool<byte>.Shared.Rent(Math.Max(length, 4096));
}
