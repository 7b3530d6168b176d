using System.Buffers.Binary;
using TorRelay.Cells.Relay;

namespace TorRelay.Cells.Circuits;

/// <summary>
/// CREATED2 payload (tor-spec §5.1): HLEN (2) | HDATA. HLEN is at most 496 so that the reply fits an EXTENDED2
/// (C tor check_created_cell).
/// </summary>
public readonly struct Created2Cell
{
    public const int MaxHandshakeLength = RelayCellHeader.MaxDataLength - 2;

    public Created2Cell(ReadOnlyMemory<byte> handshakeData) => HandshakeData = handshakeData;

    public ReadOnlyMemory<byte> HandshakeData { get; }

    public static bool TryDecode(ReadOnlySpan<byte> payload, out Created2Cell cell, out CellError error)
    {
        if (payload.Length < 2) return Wire.Fail(out cell, out error);
        int hlen = BinaryPrimitives.ReadUInt16BigEndian(payload);
        if (hlen > MaxHandshakeLength || hlen > payload.Length - 2) return Wire.Fail(out cell, out error);
        cell = new Created2Cell(payload.Slice(2, hlen).ToArray());
        return Wire.Ok(out error);
    }

    public int EncodeTo(Span<byte> payload)
    {
        if (HandshakeData.Length > MaxHandshakeLength) throw new InvalidOperationException("CREATED2 reply too long");
        Wire.EnsureRoom(payload, 2 + HandshakeData.Length);
        BinaryPrimitives.WriteUInt16BigEndian(payload, (ushort)HandshakeData.Length);
        HandshakeData.Span.CopyTo(payload[2..]);
        return 2 + HandshakeData.Length;
    }
}
