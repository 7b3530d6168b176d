using System.Buffers;
using System.Buffers.Binary;

namespace TorRelay.Cells;

/// <summary>A decoded cell header: circuit ID, command and the payload length that follows it.</summary>
public readonly record struct CellHeader(CircId CircId, CellCommand Command, int PayloadLength);

/// <summary>
/// Slices complete cells out of a channel's inbound byte stream (tor-spec §3). Fixed cells are 509-byte payloads;
/// variable-length ones carry a 2-byte length. Nothing is copied: the payload is a slice of the input.
/// </summary>
public static class CellFramer
{
    /// <summary>
    /// Reads one cell from the start of <paramref name="buffer"/> and advances it past the cell.
    /// Returns false with <see cref="CellError.Incomplete"/> when more bytes are needed.
    /// </summary>
    public static bool TryRead(ref ReadOnlySequence<byte> buffer, int linkVersion, out CellHeader header,
        out ReadOnlySequence<byte> payload, out CellError error)
    {
        header = default;
        payload = default;
        int idLen = LinkVersion.CircIdLength(linkVersion);
        Span<byte> head = stackalloc byte[7];
        int headLen = idLen + 1;
        if (buffer.Length < headLen)
        {
            error = CellError.Incomplete;
            return false;
        }
        buffer.Slice(0, Math.Min(buffer.Length, headLen + 2)).CopyTo(head);
        uint circ = idLen == 4 ? BinaryPrimitives.ReadUInt32BigEndian(head) : BinaryPrimitives.ReadUInt16BigEndian(head);
        var command = (CellCommand)head[idLen];
        int payloadLen;
        int offset;
        if (command.IsVariableLength())
        {
            if (buffer.Length < headLen + 2)
            {
                error = CellError.Incomplete;
                return false;
            }
            payloadLen = BinaryPrimitives.ReadUInt16BigEndian(head[headLen..]);
            offset = headLen + 2;
        }
        else
        {
            payloadLen = LinkVersion.PayloadLength;
            offset = headLen;
        }
        if (buffer.Length < offset + payloadLen)
        {
            error = CellError.Incomplete;
            return false;
        }
        header = new CellHeader(new CircId(circ), command, payloadLen);
        payload = buffer.Slice(offset, payloadLen);
        buffer = buffer.Slice(offset + payloadLen);
        error = CellError.None;
        return true;
    }

    /// <summary>Writes a variable-length cell header and returns its length.</summary>
    public static int WriteVarHeader(Span<byte> destination, int linkVersion, CircId circId, CellCommand command, int payloadLength)
    {
        int idLen = WriteCircId(destination, linkVersion, circId);
        destination[idLen] = (byte)command;
        BinaryPrimitives.WriteUInt16BigEndian(destination[(idLen + 1)..], checked((ushort)payloadLength));
        return idLen + 3;
    }

    /// <summary>Writes a fixed-length cell (payload zero-padded to 509 bytes) and returns its length.</summary>
    public static int WriteFixed(Span<byte> destination, int linkVersion, CircId circId, CellCommand command, ReadOnlySpan<byte> payload)
    {
        if (payload.Length > LinkVersion.PayloadLength) throw new ArgumentException("payload too long", nameof(payload));
        int idLen = WriteCircId(destination, linkVersion, circId);
        destination[idLen] = (byte)command;
        var body = destination.Slice(idLen + 1, LinkVersion.PayloadLength);
        payload.CopyTo(body);
        body[payload.Length..].Clear();
        return idLen + 1 + LinkVersion.PayloadLength;
    }

    /// <summary>Appends a whole variable-length cell to <paramref name="writer"/>.</summary>
    public static void WriteVar(IBufferWriter<byte> writer, int linkVersion, CircId circId, CellCommand command, ReadOnlySpan<byte> payload)
    {
        int total = LinkVersion.CircIdLength(linkVersion) + 3 + payload.Length;
        var span = writer.GetSpan(total);
        int h = WriteVarHeader(span, linkVersion, circId, command, payload.Length);
        payload.CopyTo(span[h..]);
        writer.Advance(total);
    }

    /// <summary>Appends a whole fixed-length cell to <paramref name="writer"/>.</summary>
    public static void WriteFixed(IBufferWriter<byte> writer, int linkVersion, CircId circId, CellCommand command, ReadOnlySpan<byte> payload)
    {
        int total = LinkVersion.FixedCellLength(linkVersion);
        var span = writer.GetSpan(total);
        WriteFixed(span, linkVersion, circId, command, payload);
        writer.Advance(total);
    }

    private static int WriteCircId(Span<byte> destination, int linkVersion, CircId circId)
    {
        if (LinkVersion.CircIdLength(linkVersion) == 4)
        {
            BinaryPrimitives.WriteUInt32BigEndian(destination, circId.Value);
            return 4;
        }
        BinaryPrimitives.WriteUInt16BigEndian(destination, checked((ushort)circId.Value));
        return 2;
    }
}
