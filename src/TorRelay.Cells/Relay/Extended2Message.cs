using System.Buffers.Binary;

namespace TorRelay.Cells.Relay;

/// <summary>RELAY_EXTENDED2 (tor-spec §5.1.2): HLEN (2) | HDATA — the body of the CREATED2 the next hop sent.</summary>
public readonly struct Extended2Message : IRelayMessage<Extended2Message>
{
    /// <summary>RELAY_PAYLOAD_SIZE - 2.</summary>
    public const int MaxHandshakeLength = RelayCellHeader.MaxDataLength - 2;

    public Extended2Message(ReadOnlyMemory<byte> handshakeData) => HandshakeData = handshakeData;

    public static RelayCommand Command => RelayCommand.Extended2;
    public ReadOnlyMemory<byte> HandshakeData { get; }

    public static bool TryDecode(ReadOnlySpan<byte> body, out Extended2Message message, out CellError error)
    {
        if (body.Length < 2 || body.Length > RelayCellHeader.MaxDataLength) return Wire.Fail(out message, out error);
        int hlen = BinaryPrimitives.ReadUInt16BigEndian(body);
        if (hlen > MaxHandshakeLength || hlen > body.Length - 2) return Wire.Fail(out message, out error);
        message = new Extended2Message(body.Slice(2, hlen).ToArray());
        return Wire.Ok(out error);
    }

    public int EncodeTo(Span<byte> destination)
    {
        if (HandshakeData.Length > MaxHandshakeLength) throw new InvalidOperationException("EXTENDED2 reply too long");
        Wire.EnsureRoom(destination, 2 + HandshakeData.Length);
        BinaryPrimitives.WriteUInt16BigEndian(destination, (ushort)HandshakeData.Length);
        HandshakeData.Span.CopyTo(destination[2..]);
        return 2 + HandshakeData.Length;
    }
}
