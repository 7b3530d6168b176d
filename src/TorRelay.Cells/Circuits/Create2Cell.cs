using System.Buffers.Binary;
using TorRelay.Cells.Relay;

namespace TorRelay.Cells.Circuits;

/// <summary>
/// CREATE2 payload (tor-spec §5.1): HTYPE (2) | HLEN (2) | HDATA, padded to 509 bytes. Decoding follows C tor
/// create_cell_parse: known types only, TAP 186 and ntor 84 bytes, never CREATE_FAST.
/// </summary>
public readonly struct Create2Cell
{
    public const int MaxHandshakeLength = 509 - 4;

    public Create2Cell(HandshakeType handshakeType, ReadOnlyMemory<byte> handshakeData)
    {
        HandshakeType = handshakeType;
        HandshakeData = handshakeData;
    }

    public HandshakeType HandshakeType { get; }
    public ReadOnlyMemory<byte> HandshakeData { get; }

    public static bool TryDecode(ReadOnlySpan<byte> payload, out Create2Cell cell, out CellError error)
    {
        if (payload.Length < 4) return Wire.Fail(out cell, out error);
        var type = (HandshakeType)BinaryPrimitives.ReadUInt16BigEndian(payload);
        int hlen = BinaryPrimitives.ReadUInt16BigEndian(payload[2..]);
        if (hlen > MaxHandshakeLength || hlen > payload.Length - 4) return Wire.Fail(out cell, out error);
        if (!HandshakeTypes.IsAcceptableLength(type, hlen, unknownOk: false)) return Wire.Fail(out cell, out error);
        cell = new Create2Cell(type, payload.Slice(4, hlen).ToArray());
        return Wire.Ok(out error);
    }

    /// <summary>Writes HTYPE | HLEN | HDATA; returns the bytes written (the caller zero-pads the rest of the payload).</summary>
    public int EncodeTo(Span<byte> payload)
    {
        if (HandshakeData.Length > MaxHandshakeLength) throw new InvalidOperationException("CREATE2 onion skin too long");
        Wire.EnsureRoom(payload, 4 + HandshakeData.Length);
        BinaryPrimitives.WriteUInt16BigEndian(payload, (ushort)HandshakeType);
        BinaryPrimitives.WriteUInt16BigEndian(payload[2..], (ushort)HandshakeData.Length);
        HandshakeData.Span.CopyTo(payload[4..]);
        return 4 + HandshakeData.Length;
    }
}
