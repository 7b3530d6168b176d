using System.Buffers.Binary;

namespace TorRelay.Relay.Exit.Dns;

/// <summary>A standard recursive query (RFC 1035 §4.1): header with RD set, one IN-class question.</summary>
public static class DnsQuery
{
    public const int HeaderLength = 12;
    public const int MaxLength = HeaderLength + DnsName.MaxWireLength + 4;
    private const ushort RecursionDesired = 0x0100;
    internal const ushort ClassIn = 1;

    /// <summary>Writes the query; returns its length. <paramref name="destination"/> needs <see cref="MaxLength"/> bytes.</summary>
    public static int Write(Span<byte> destination, ushort id, ReadOnlySpan<byte> wireName, DnsRecordType type)
    {
        BinaryPrimitives.WriteUInt16BigEndian(destination, id);
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], RecursionDesired);
        BinaryPrimitives.WriteUInt16BigEndian(destination[4..], 1);
        destination[6..HeaderLength].Clear();
        wireName.CopyTo(destination[HeaderLength..]);
        int at = HeaderLength + wireName.Length;
        BinaryPrimitives.WriteUInt16BigEndian(destination[at..], (ushort)type);
        BinaryPrimitives.WriteUInt16BigEndian(destination[(at + 2)..], ClassIn);
        return at + 4;
    }
}
