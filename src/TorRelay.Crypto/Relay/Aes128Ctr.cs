using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Security.Cryptography;
using X86Aes = System.Runtime.Intrinsics.X86.Aes;

namespace TorRelay.Crypto.Relay;

/// <summary>
/// AES-128-CTR as tor uses it for relay cells (tor-spec §0.3): a 128-bit big-endian counter starting from a zero IV,
/// one continuous keystream per direction of a hop. Uses AES-NI eight blocks at a time when the CPU has it, else the
/// BCL's AES. <see cref="Process"/> streams across calls and allocates nothing; input and output may be the same span.
/// </summary>
public sealed class Aes128Ctr : IDisposable
{
    public const int KeyLength = 16;
    private const int BlockSize = 16;
    private const int Blocks = 8;
    private const int BufferSize = BlockSize * Blocks;

    private static readonly byte[] Zeros = new byte[BufferSize];

    private RoundKeys _roundKeys;
    private readonly byte[] _keystream = new byte[BufferSize];
    private readonly PortableAesCtr? _portable;
    private ulong _counterHi, _counterLo;
    private int _used = BufferSize;
    private bool _disposed;

    /// <summary>A keystream with tor's all-zero IV.</summary>
    public Aes128Ctr(ReadOnlySpan<byte> key) : this(key, stackalloc byte[BlockSize], hardware: true) { }

    /// <summary>A keystream whose initial counter block is <paramref name="iv"/> (used for published CTR vectors).</summary>
    public Aes128Ctr(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv) : this(key, iv, hardware: true) { }

    internal Aes128Ctr(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, bool hardware)
    {
        if (key.Length != KeyLength) throw new ArgumentException("AES-128 key must be 16 bytes", nameof(key));
        if (iv.Length != BlockSize) throw new ArgumentException("IV must be 16 bytes", nameof(iv));
        if (hardware && IsHardwareAccelerated)
        {
            ExpandKey(key);
            _counterHi = BinaryPrimitives.ReadUInt64BigEndian(iv);
            _counterLo = BinaryPrimitives.ReadUInt64BigEndian(iv[8..]);
        }
        else
        {
            _portable = new PortableAesCtr(key, iv);
        }
    }

    /// <summary>Whether this process uses the AES-NI path.</summary>
    public static bool IsHardwareAccelerated => X86Aes.IsSupported && Sse2.IsSupported;

    /// <summary>XORs the next <c>input.Length</c> keystream bytes with <paramref name="input"/> into <paramref name="output"/>.</summary>
    public void Process(ReadOnlySpan<byte> input, Span<byte> output)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (output.Length < input.Length) throw new ArgumentException("output is shorter than input", nameof(output));
        if (_portable is not null)
        {
            _portable.Process(input, output);
            return;
        }

        int done = 0;
        int n = input.Length;
        // Leftover keystream from the previous call.
        if (_used < BufferSize && n > 0)
        {
            int take = Math.Min(BufferSize - _used, n);
            PortableAesCtr.Xor(input[..take], _keystream.AsSpan(_used, take), output);
            _used += take;
            done = take;
        }
        // Whole 128-byte runs go straight from input to output.
        while (n - done >= BufferSize)
        {
            Crypt8(ref MemoryMarshal.GetReference(input[done..]), ref MemoryMarshal.GetReference(output[done..]));
            done += BufferSize;
        }
        if (done < n)
        {
            Crypt8(ref MemoryMarshal.GetArrayDataReference(Zeros), ref MemoryMarshal.GetArrayDataReference(_keystream));
            int take = n - done;
            PortableAesCtr.Xor(input[done..], _keystream.AsSpan(0, take), output[done..]);
            _used = take;
        }
    }

    /// <summary>Encrypts the next eight counter blocks and XORs them with 128 bytes at <paramref name="src"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Crypt8(ref byte src, ref byte dst)
    {
        ReadOnlySpan<Vector128<byte>> k = _roundKeys;
        Vector128<byte> k0 = k[0];
        Vector128<byte> b0 = NextCounter() ^ k0, b1 = NextCounter() ^ k0, b2 = NextCounter() ^ k0, b3 = NextCounter() ^ k0;
        Vector128<byte> b4 = NextCounter() ^ k0, b5 = NextCounter() ^ k0, b6 = NextCounter() ^ k0, b7 = NextCounter() ^ k0;
        for (int r = 1; r < 10; r++)
        {
            Vector128<byte> kr = k[r];
            b0 = X86Aes.Encrypt(b0, kr); b1 = X86Aes.Encrypt(b1, kr); b2 = X86Aes.Encrypt(b2, kr); b3 = X86Aes.Encrypt(b3, kr);
            b4 = X86Aes.Encrypt(b4, kr); b5 = X86Aes.Encrypt(b5, kr); b6 = X86Aes.Encrypt(b6, kr); b7 = X86Aes.Encrypt(b7, kr);
        }
        Vector128<byte> k10 = k[10];
        (X86Aes.EncryptLast(b0, k10) ^ Vector128.LoadUnsafe(ref src, 0)).StoreUnsafe(ref dst, 0);
        (X86Aes.EncryptLast(b1, k10) ^ Vector128.LoadUnsafe(ref src, 16)).StoreUnsafe(ref dst, 16);
        (X86Aes.EncryptLast(b2, k10) ^ Vector128.LoadUnsafe(ref src, 32)).StoreUnsafe(ref dst, 32);
        (X86Aes.EncryptLast(b3, k10) ^ Vector128.LoadUnsafe(ref src, 48)).StoreUnsafe(ref dst, 48);
        (X86Aes.EncryptLast(b4, k10) ^ Vector128.LoadUnsafe(ref src, 64)).StoreUnsafe(ref dst, 64);
        (X86Aes.EncryptLast(b5, k10) ^ Vector128.LoadUnsafe(ref src, 80)).StoreUnsafe(ref dst, 80);
        (X86Aes.EncryptLast(b6, k10) ^ Vector128.LoadUnsafe(ref src, 96)).StoreUnsafe(ref dst, 96);
        (X86Aes.EncryptLast(b7, k10) ^ Vector128.LoadUnsafe(ref src, 112)).StoreUnsafe(ref dst, 112);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Vector128<byte> NextCounter()
    {
        var block = Vector128.Create(BinaryPrimitives.ReverseEndianness(_counterHi),
            BinaryPrimitives.ReverseEndianness(_counterLo)).AsByte();
        if (++_counterLo == 0) _counterHi++;
        return block;
    }

    private void ExpandKey(ReadOnlySpan<byte> key)
    {
        Span<Vector128<byte>> k = _roundKeys;
        k[0] = Vector128.Create(key);
        // The round constant must be an immediate, hence the unrolled calls.
        k[1] = ExpandStep(k[0], X86Aes.KeygenAssist(k[0], 0x01));
        k[2] = ExpandStep(k[1], X86Aes.KeygenAssist(k[1], 0x02));
        k[3] = ExpandStep(k[2], X86Aes.KeygenAssist(k[2], 0x04));
        k[4] = ExpandStep(k[3], X86Aes.KeygenAssist(k[3], 0x08));
        k[5] = ExpandStep(k[4], X86Aes.KeygenAssist(k[4], 0x10));
        k[6] = ExpandStep(k[5], X86Aes.KeygenAssist(k[5], 0x20));
        k[7] = ExpandStep(k[6], X86Aes.KeygenAssist(k[6], 0x40));
        k[8] = ExpandStep(k[7], X86Aes.KeygenAssist(k[7], 0x80));
        k[9] = ExpandStep(k[8], X86Aes.KeygenAssist(k[8], 0x1b));
        k[10] = ExpandStep(k[9], X86Aes.KeygenAssist(k[9], 0x36));
    }

    private static Vector128<byte> ExpandStep(Vector128<byte> key, Vector128<byte> assist)
    {
        assist = Sse2.Shuffle(assist.AsInt32(), 0xFF).AsByte();
        key ^= Sse2.ShiftLeftLogical128BitLane(key, 4);
        key ^= Sse2.ShiftLeftLogical128BitLane(key, 4);
        key ^= Sse2.ShiftLeftLogical128BitLane(key, 4);
        return key ^ assist;
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        MemoryMarshal.AsBytes((Span<Vector128<byte>>)_roundKeys).Clear();
        CryptographicOperations.ZeroMemory(_keystream);
        _portable?.Dispose();
    }

    [InlineArray(11)]
    private struct RoundKeys
    {
        private Vector128<byte> _element0;
    }
}
