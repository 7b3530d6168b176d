using System.Buffers.Binary;
using System.Security.Cryptography;

namespace TorRelay.Crypto.Relay;

/// <summary>
/// AES-CTR (128- or 256-bit key, 128-bit big-endian counter) on top of the BCL's AES-ECB: the fallback when AES-NI is
/// missing, and the one-shot cipher of ntor-v3's encrypted messages. Streams across calls.
/// </summary>
internal sealed class PortableAesCtr : IDisposable
{
    private const int BlockSize = 16;
    private const int Blocks = 8;
    private const int BufferSize = BlockSize * Blocks;

    private readonly Aes _aes;
    private readonly byte[] _counterBlocks = new byte[BufferSize];
    private readonly byte[] _keystream = new byte[BufferSize];
    private ulong _counterHi, _counterLo;
    private int _used = BufferSize;

    public PortableAesCtr(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv)
    {
        if (key.Length != 16 && key.Length != 32) throw new ArgumentException("AES key must be 16 or 32 bytes", nameof(key));
        if (iv.Length != BlockSize) throw new ArgumentException("IV must be 16 bytes", nameof(iv));
        _aes = Aes.Create();
        _aes.Key = key.ToArray();
        _counterHi = BinaryPrimitives.ReadUInt64BigEndian(iv);
        _counterLo = BinaryPrimitives.ReadUInt64BigEndian(iv[8..]);
    }

    /// <summary>AES-CTR with a zero IV over <paramref name="input"/> in one call (ntor-v3 messages).</summary>
    public static void Transform(ReadOnlySpan<byte> key, ReadOnlySpan<byte> input, Span<byte> output)
    {
        using var ctr = new PortableAesCtr(key, stackalloc byte[BlockSize]);
        ctr.Process(input, output);
    }

    public void Process(ReadOnlySpan<byte> input, Span<byte> output)
    {
        if (output.Length < input.Length) throw new ArgumentException("output is shorter than input", nameof(output));
        int done = 0;
        while (done < input.Length)
        {
            if (_used == BufferSize) Refill();
            int n = Math.Min(BufferSize - _used, input.Length - done);
            Xor(input.Slice(done, n), _keystream.AsSpan(_used, n), output.Slice(done, n));
            _used += n;
            done += n;
        }
    }

    private void Refill()
    {
        Span<byte> blocks = _counterBlocks;
        for (int i = 0; i < Blocks; i++)
        {
            BinaryPrimitives.WriteUInt64BigEndian(blocks.Slice(i * BlockSize), _counterHi);
            BinaryPrimitives.WriteUInt64BigEndian(blocks.Slice(i * BlockSize + 8), _counterLo);
            if (++_counterLo == 0) _counterHi++;
        }
        _aes.EncryptEcb(blocks, _keystream, PaddingMode.None);
        _used = 0;
    }

    internal static void Xor(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, Span<byte> output)
    {
        int i = 0;
        if (System.Numerics.Vector.IsHardwareAccelerated)
        {
            int w = System.Numerics.Vector<byte>.Count;
            for (; i + w <= a.Length; i += w)
                (new System.Numerics.Vector<byte>(a[i..]) ^ new System.Numerics.Vector<byte>(b[i..])).CopyTo(output[i..]);
        }
        for (; i < a.Length; i++) output[i] = (byte)(a[i] ^ b[i]);
    }

    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(_keystream);
        _aes.Dispose();
    }
}
