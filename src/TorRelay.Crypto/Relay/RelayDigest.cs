using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace TorRelay.Crypto.Relay;

/// <summary>
/// tor1's running SHA-1 over every relay cell body of one direction of a hop (tor-spec §6.1), seeded with Df or Db.
/// <see cref="GetCurrent"/> reads the digest so far without finalising; <see cref="SaveState"/>/<see cref="RestoreState"/>
/// let a caller roll back, as C tor does when a cell turns out not to be ours. OpenSSL's SHA_CTX lives inside this
/// object, pinned only for each call: every circuit has two of these, and a native allocation with a finalizer each
/// made circuits dearer to create and to keep. No per-call allocation.
/// </summary>
public sealed unsafe class RelayDigest : IDisposable
{
    public const int DigestLength = 20;
    /// <summary>Bytes needed by <see cref="SaveState"/>.</summary>
    public const int StateLength = Sha1Native.ContextSize;

    private Sha1Context _ctx;
    private bool _disposed;

    public RelayDigest()
    {
        fixed (byte* ctx = Context)
            if (Sha1Native.SHA1_Init(ctx) != 1)
                throw new CryptographicException("SHA1_Init failed");
    }

    /// <summary>A digest already fed with <paramref name="seed"/> (Df or Db).</summary>
    public RelayDigest(ReadOnlySpan<byte> seed) : this() => Add(seed);

    private Span<byte> Context
    {
        get
        {
            Span<ulong> words = _ctx;
            return MemoryMarshal.AsBytes(words);
        }
    }

    public void Add(ReadOnlySpan<byte> data)
    {
        ThrowIfDisposed();
        fixed (byte* ctx = Context)
        fixed (byte* p = data)
            Sha1Native.SHA1_Update(ctx, p, (nuint)data.Length);
    }

    /// <summary>Writes SHA-1 of everything added so far (20 bytes) and keeps the running state.</summary>
    [System.Runtime.CompilerServices.SkipLocalsInit]
    public void GetCurrent(Span<byte> digest)
    {
        ThrowIfDisposed();
        if (digest.Length < DigestLength) throw new ArgumentException("digest buffer must hold 20 bytes", nameof(digest));
        byte* copy = stackalloc byte[StateLength];
        Context.CopyTo(new Span<byte>(copy, StateLength));
        fixed (byte* d = digest)
            Sha1Native.SHA1_Final(d, copy);
        new Span<byte>(copy, StateLength).Clear();
    }

    /// <summary>Copies the running state out (<see cref="StateLength"/> bytes), to be put back by <see cref="RestoreState"/>.</summary>
    public void SaveState(Span<byte> state)
    {
        ThrowIfDisposed();
        Context.CopyTo(state);
    }

    public void RestoreState(ReadOnlySpan<byte> state)
    {
        ThrowIfDisposed();
        if (state.Length != StateLength) throw new ArgumentException("state must be StateLength bytes", nameof(state));
        state.CopyTo(Context);
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    /// <summary>Wipes the state, which was derived from the circuit's keys.</summary>
    public void Dispose()
    {
        Context.Clear();
        _disposed = true;
    }

    /// <summary>sizeof(SHA_CTX) in 8-byte words, so that it is aligned as OpenSSL's 32-bit fields need.</summary>
    [InlineArray(StateLength / sizeof(ulong))]
    private struct Sha1Context
    {
        private ulong _word;
    }
}
