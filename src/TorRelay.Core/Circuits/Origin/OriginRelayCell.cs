using System.Buffers;
using TorRelay.Cells.Relay;

namespace TorRelay.Core.Circuits.Origin;

/// <summary>
/// A relay cell that reached the origin, with every layer up to its sender removed. The body is a pooled buffer:
/// dispose the value exactly once when done with it.
/// </summary>
/// <param name="Hop">The index of the hop that sent it (0: the first hop).</param>
public readonly struct OriginRelayCell(int hop, RelayCellHeader header, byte[] body) : IDisposable
{
    public int Hop { get; } = hop;
    public RelayCellHeader Header { get; } = header;
    public RelayCommand Command => Header.Command;

    /// <summary>The 509-byte relay cell body (header included).</summary>
    public ReadOnlySpan<byte> Body => body.AsSpan(0, RelayCellHeader.BodyLength);

    /// <summary>The message after the relay header (empty when its length field is out of range).</summary>
    public ReadOnlySpan<byte> Data => RelayCellHeader.TryGetData(Body, out var data) ? data : default;

    public void Dispose()
    {
        if (body is not null) ArrayPool<byte>.Shared.Return(body);
    }
}
