using System.Buffers.Binary;
using TorRelay.Crypto;

namespace TorRelay.Core.Tests.Dos;

/// <summary>Returns the same 64-bit little-endian value on every draw, so random mark offsets are known.</summary>
internal sealed class FixedRandom(ulong value) : IRandomSource
{
    public static readonly FixedRandom Zero = new(0);

    public void Fill(Span<byte> destination)
    {
        Span<byte> word = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(word, value);
        for (int i = 0; i < destination.Length; i++) destination[i] = word[i % 8];
    }
}
