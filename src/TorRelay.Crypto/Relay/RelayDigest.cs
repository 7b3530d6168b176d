using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace TorRelay.Crypto.Relay;

/// <summary>
/// tor1's running SHA-1 over every relay cell body of one direction of a hop (tor-spec §6.1), seeded with Df or Db.
/// <see cref="GetCurrent"/> reads the digest so far without finalising; <see cref="SaveState"/>/<see cref="RestoreState"/>
/// let a caller roll back, as C tor does when a cell turns out not to be ours. Owns a native SHA_CTX; no per-call
/// allocation.
/// </summary>
public sealed unsafe class RelayDigest : IDisposable
{
    public const int DigestLength = 20;
    /// <summary>Bytes needed by <see cref="SaveState"/>.</summary>
    public const int StateLength = Sha1Native.ContextSize;

    private byte* _ctx;

    public RelayDigest()
    {
        _ctx = (byte*)NativeMemory.AlignedAlloc(StateLength, 16);
        new Span<byte>(_ctx, StateLength).Clear();
        if (Sha1Native.SHA1_Init(_ctx) != 1)
        {
            Free();
            throw new CryptographicException("SHA1_Init failed");
        }
    }

    /// <summary>A digest already fed with <paramref name="seed"/> (Df or Db).</summary>
    public RelayDigest(ReadOnlySpan<byte> seed) : this() => Add(seed);

    public void Add(ReadOnlySpan<byte> data)
    {
        ThrowIfDisposed();
        fixed (byte* p = data)
            Sha1Native.SHA1_Update(_ctx, p, (nuint)data.Length);
    }

    /// <summary>Writes SHA-1 of everything added so far (20 bytes) and keeps the running state.</summary>
    [System.Runtime.CompilerServices.SkipLocalsInit]
    public void GetCurrent(Span<byte> digest)
    {
        ThrowIfDisposed();
        if (digest.Length < DigestLength) throw new ArgumentException("digest buffer must hold 20 bytes", nameof(digest));
        byte* copy = stackalloc byte[StateLength];
        Buffer.MemoryCopy(_ctx, copy, StateLength, StateLength);
        fixed (byte* d = digest)
            Sha1Native.SHA1_Final(d, copy);
        new Span<byte>(copy, StateLength).Clear();
    }

    /// <summary>Copies the running state out (<see cref="StateLength"/> bytes), to be put back by <see cref="RestoreState"/>.</summary>
    public void SaveState(Span<byte> state)
    {
        ThrowIfDisposed();
        new ReadOnlySpan<byte>(_ctx, StateLength).CopyTo(state);
    }

    public void RestoreState(ReadOnlySpan<byte> state)
    {
        ThrowIfDisposed();
        if (state.Length != StateLength) throw new ArgumentException("state must be StateLength bytes", nameof(state));
        state.CopyTo(new Span<byte>(_ctx, StateLength));
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_ctx == null, this);

    private void Free()
    {
        if (_ctx == null) return;
        new Span<byte>(_ctx, StateLength).Clear();
        NativeMemory.AlignedFree(_ctx);
        _ctx = null;
    }

    public void Dispose()
    {
        Free();
        GC.SuppressFinalize(this);
    }

    ~RelayDigest() => Free();
}
