using System.Buffers.Binary;

namespace TorRelay.Cells.Link;

/// <summary>
/// PADDING_NEGOTIATE (padding-spec §2.2, C tor's channelpadding_negotiate trunnel struct): version 0, STOP or START,
/// and the inactivity timeout range in milliseconds the sender asks the receiver to use. Bytes after the 6 of the body
/// are ignored, as trunnel's parser does.
/// </summary>
public readonly record struct PaddingNegotiateCell(PaddingNegotiateCommand Command, ushort ItoLowMs = 0, ushort ItoHighMs = 0)
{
    /// <summary>The only version defined.</summary>
    public const byte Version = 0;

    /// <summary>version, command, ito_low_ms, ito_high_ms.</summary>
    public const int Length = 6;

    /// <summary>Writes the 6-byte body; the rest of a cell payload is the caller's (C tor sends zeros).</summary>
    public int EncodeTo(Span<byte> destination)
    {
        if (destination.Length < Length)
            throw new ArgumentException($"destination holds {destination.Length} bytes, PADDING_NEGOTIATE needs {Length}", nameof(destination));
        destination[0] = Version;
        destination[1] = (byte)Command;
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], ItoLowMs);
        BinaryPrimitives.WriteUInt16BigEndian(destination[4..], ItoHighMs);
        return Length;
    }

    /// <summary>Parses a cell payload; a short body, a version other than 0 or an unknown command is malformed.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> payload, out PaddingNegotiateCell cell, out CellError error)
    {
        cell = default;
        if (payload.Length < Length || payload[0] != Version ||
            payload[1] is not ((byte)PaddingNegotiateCommand.Stop or (byte)PaddingNegotiateCommand.Start))
        {
            error = CellError.Malformed;
            return false;
        }
        cell = new PaddingNegotiateCell((PaddingNegotiateCommand)payload[1], BinaryPrimitives.ReadUInt16BigEndian(payload[2..]),
            BinaryPrimitives.ReadUInt16BigEndian(payload[4..]));
        error = CellError.None;
        return true;
    }
}
