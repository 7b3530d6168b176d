using System.Buffers.Binary;
using TorRelay.Crypto;

namespace TorRelay.Core.Tests.Channels.Padding;

/// <summary>Hands out the given 64-bit values (big-endian), then zeros: draws a test can predict.</summary>
internal sealed class ScriptedRandom(params ulong[] values) : IRandomSource
{
    private readonly Queue<ulong> _values = new(values);

    public void Fill(Span<byte> destination)
    {
        destination.Clear();
        BinaryPrimitives.WriteUInt64BigEndian(destination, _values.Count > 0 ? _values.Dequeue() : 0);
    }
}
