using System.Buffers.Binary;

namespace TorRelay.Cells.Relay;

/// <summary>
/// The 11-byte header at the start of a (decrypted) 509-byte relay cell body (tor-spec §6.1):
/// command (1) | recognized (2) | stream id (2) | digest (4) | length (2), then <see cref="Length"/> bytes of message.
/// The static accessors read and write the fields in place.
/// </summary>
public readonly record struct RelayCellHeader(RelayCommand Command, ushort Recognized, ushort StreamId, uint Digest, ushort Length)
{
    public const int BodyLength = 509;
    public const int HeaderLength = 11;
    /// <summary>RELAY_PAYLOAD_SIZE: the most message bytes one relay cell carries.</summary>
    public const int MaxDataLength = BodyLength - HeaderLength;

    public static bool TryRead(ReadOnlySpan<byte> body, out RelayCellHeader header, out CellError error)
    {
        header = default;
        if (body.Length < HeaderLength)
        {
            error = CellError.Incomplete;
            return false;
        }
        header = new RelayCellHeader(GetCommand(body), BinaryPrimitives.ReadUInt16BigEndian(body[1..]), GetStreamId(body),
            BinaryPrimitives.ReadUInt32BigEndian(body[5..]), GetLength(body));
        if (header.Length > MaxDataLength || header.Length > body.Length - HeaderLength)
        {
            error = CellError.TooLong;
            return false;
        }
        error = CellError.None;
        return true;
    }

    public void WriteTo(Span<byte> body)
    {
        body[0] = (byte)Command;
        BinaryPrimitives.WriteUInt16BigEndian(body[1..], Recognized);
        BinaryPrimitives.WriteUInt16BigEndian(body[3..], StreamId);
        BinaryPrimitives.WriteUInt32BigEndian(body[5..], Digest);
        BinaryPrimitives.WriteUInt16BigEndian(body[9..], Length);
    }

    public static RelayCommand GetCommand(ReadOnlySpan<byte> body) => (RelayCommand)body[0];
    public static void SetCommand(Span<byte> body, RelayCommand command) => body[0] = (byte)command;
    public static bool IsRecognizedZero(ReadOnlySpan<byte> body) => body[1] == 0 && body[2] == 0;
    public static ushort GetStreamId(ReadOnlySpan<byte> body) => BinaryPrimitives.ReadUInt16BigEndian(body[3..]);
    public static void SetStreamId(Span<byte> body, ushort streamId) => BinaryPrimitives.WriteUInt16BigEndian(body[3..], streamId);
    public static ushort GetLength(ReadOnlySpan<byte> body) => BinaryPrimitives.ReadUInt16BigEndian(body[9..]);
    public static void SetLength(Span<byte> body, ushort length) => BinaryPrimitives.WriteUInt16BigEndian(body[9..], length);

    /// <summary>The message bytes of a relay cell body; false when the declared length does not fit.</summary>
    public static bool TryGetData(ReadOnlySpan<byte> body, out ReadOnlySpan<byte> data)
    {
        data = default;
        if (body.Length < HeaderLength) return false;
        int length = GetLength(body);
        if (length > MaxDataLength || length > body.Length - HeaderLength) return false;
        data = body.Slice(HeaderLength, length);
        return true;
    }

    /// <summary>
    /// Writes a header with recognized = 0 and digest = 0 (the crypto layer fills the digest) and the message after it;
    /// returns the message length. The padding after the message is left to the caller.
    /// </summary>
    public static int Compose<T>(Span<byte> body, ushort streamId, scoped in T message)
        where T : IRelayMessage<T>, allows ref struct
    {
        int length = message.EncodeTo(body.Slice(HeaderLength, Math.Min(MaxDataLength, body.Length - HeaderLength)));
        new RelayCellHeader(T.Command, 0, streamId, 0, (ushort)length).WriteTo(body);
        return length;
    }
}
