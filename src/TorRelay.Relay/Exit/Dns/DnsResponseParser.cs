using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Net;

namespace TorRelay.Relay.Exit.Dns;

/// <summary>
/// Reads a response to a query we sent (RFC 1035 §4.1). Never throws: network input gets a bool and a
/// <see cref="DnsParseError"/>. The ID and the question must match ours, in the exact case we sent when we randomised
/// it (0x20); records are taken only along the CNAME chain that starts at the question.
/// </summary>
public static class DnsResponseParser
{
    private const ushort ResponseFlag = 0x8000;
    private const ushort TruncatedFlag = 0x0200;
    private const int RcodeMask = 0x000F;
    /// <summary>RFC 2181 §8: a TTL with the top bit set counts as zero.</summary>
    private const uint MaxTtl = int.MaxValue;

    private readonly record struct Record(byte[] Owner, DnsRecordType Type, uint Ttl, int DataOffset, int DataLength);

    public static bool TryParse(ReadOnlySpan<byte> packet, ushort id, ReadOnlySpan<byte> questionName, DnsRecordType type,
        bool exactCase, [NotNullWhen(true)] out DnsResponse? response, out DnsParseError error)
    {
        response = null;
        error = DnsParseError.None;
        if (packet.Length < DnsQuery.HeaderLength) return Fail(DnsParseError.TooShort, out error);
        if (BinaryPrimitives.ReadUInt16BigEndian(packet) != id) return Fail(DnsParseError.WrongId, out error);
        ushort flags = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);
        if ((flags & ResponseFlag) == 0) return Fail(DnsParseError.NotResponse, out error);
        var rcode = (DnsRcode)(flags & RcodeMask);
        bool truncated = (flags & TruncatedFlag) != 0;
        int questions = BinaryPrimitives.ReadUInt16BigEndian(packet[4..]);
        int answers = BinaryPrimitives.ReadUInt16BigEndian(packet[6..]);
        int authorities = BinaryPrimitives.ReadUInt16BigEndian(packet[8..]);

        int offset = DnsQuery.HeaderLength;
        if (!TryMatchQuestion(packet, ref offset, questions, questionName, type, exactCase, out bool matched))
            return Fail(DnsParseError.QuestionMismatch, out error);
        // Some servers drop the question from an error reply; one that claims data or a name error must carry it.
        bool bearsData = !truncated && rcode is DnsRcode.NoError or DnsRcode.NxDomain;
        if (!matched && (questions > 0 || bearsData)) return Fail(DnsParseError.QuestionMismatch, out error);

        if (!bearsData)
        {
            response = new DnsResponse(rcode, truncated, [], null, 0);
            return true;
        }
        var records = new List<Record>(answers);
        if (!TryReadRecords(packet, ref offset, answers, records)) return Fail(DnsParseError.Malformed, out error);
        if (!TryCollect(packet, records, questionName, type, out var addresses, out string? hostname, out uint ttl))
            return Fail(DnsParseError.Malformed, out error);
        if (addresses.Count == 0 && hostname is null)
        {
            var authority = new List<Record>(authorities);
            if (!TryReadRecords(packet, ref offset, authorities, authority) || !TryNegativeTtl(packet, authority, out ttl))
                return Fail(DnsParseError.Malformed, out error);
        }
        response = new DnsResponse(rcode, false, addresses, hostname, ttl);
        return true;
    }

    private static bool TryMatchQuestion(ReadOnlySpan<byte> packet, ref int offset, int count, ReadOnlySpan<byte> questionName,
        DnsRecordType type, bool exactCase, out bool matched)
    {
        matched = false;
        Span<byte> name = stackalloc byte[DnsName.MaxWireLength];
        for (int i = 0; i < count; i++)
        {
            if (!DnsName.TryRead(packet, ref offset, name, out int length) || offset + 4 > packet.Length) return false;
            var qtype = (DnsRecordType)BinaryPrimitives.ReadUInt16BigEndian(packet[offset..]);
            ushort qclass = BinaryPrimitives.ReadUInt16BigEndian(packet[(offset + 2)..]);
            offset += 4;
            matched |= qtype == type && qclass == DnsQuery.ClassIn && DnsName.Equal(name[..length], questionName, exactCase);
        }
        return true;
    }

    private static bool TryReadRecords(ReadOnlySpan<byte> packet, ref int offset, int count, List<Record> records)
    {
        Span<byte> owner = stackalloc byte[DnsName.MaxWireLength];
        for (int i = 0; i < count; i++)
        {
            if (!DnsName.TryRead(packet, ref offset, owner, out int length) || offset + 10 > packet.Length) return false;
            var type = (DnsRecordType)BinaryPrimitives.ReadUInt16BigEndian(packet[offset..]);
            ushort @class = BinaryPrimitives.ReadUInt16BigEndian(packet[(offset + 2)..]);
            uint ttl = BinaryPrimitives.ReadUInt32BigEndian(packet[(offset + 4)..]);
            int dataLength = BinaryPrimitives.ReadUInt16BigEndian(packet[(offset + 8)..]);
            offset += 10;
            if (offset + dataLength > packet.Length) return false;
            if (@class == DnsQuery.ClassIn)
                records.Add(new Record(owner[..length].ToArray(), type, ttl > MaxTtl ? 0 : ttl, offset, dataLength));
            offset += dataLength;
        }
        return true;
    }

    /// <summary>Follows CNAMEs from the question, then takes the records of <paramref name="type"/> at the chain's end.</summary>
    private static bool TryCollect(ReadOnlySpan<byte> packet, List<Record> records, ReadOnlySpan<byte> questionName,
        DnsRecordType type, out List<IPAddress> addresses, out string? hostname, out uint ttl)
    {
        addresses = [];
        hostname = null;
        ttl = uint.MaxValue;
        byte[] current = questionName.ToArray();
        uint chainTtl = uint.MaxValue;
        for (int hops = 0; hops <= records.Count; hops++)
        {
            int cname = records.FindIndex(r => r.Type == DnsRecordType.Cname && DnsName.Equal(r.Owner, current, exactCase: false));
            if (cname < 0) break;
            if (!TryReadDataName(packet, records[cname], out current)) return false;
            chainTtl = Math.Min(chainTtl, records[cname].Ttl);
        }
        foreach (var record in records)
        {
            if (record.Type != type || !DnsName.Equal(record.Owner, current, exactCase: false)) continue;
            var data = packet.Slice(record.DataOffset, record.DataLength);
            switch (type)
            {
                case DnsRecordType.A when data.Length == 4:
                case DnsRecordType.Aaaa when data.Length == 16:
                    addresses.Add(new IPAddress(data));
                    break;
                case DnsRecordType.Ptr when hostname is null:
                    if (!TryReadDataName(packet, record, out var target)) return false;
                    hostname = DnsName.ToDotted(target);
                    break;
                case DnsRecordType.Ptr:
                    continue;
                default:
                    return false;
            }
            ttl = Math.Min(ttl, record.Ttl);
        }
        ttl = ttl == uint.MaxValue ? 0 : Math.Min(ttl, chainTtl);
        return true;
    }

    /// <summary>RFC 2308 §5: a negative answer lives min(SOA TTL, SOA MINIMUM).</summary>
    private static bool TryNegativeTtl(ReadOnlySpan<byte> packet, List<Record> authority, out uint ttl)
    {
        ttl = 0;
        foreach (var record in authority)
        {
            if (record.Type != DnsRecordType.Soa) continue;
            int offset = record.DataOffset;
            int end = record.DataOffset + record.DataLength;
            if (!DnsName.TrySkip(packet, ref offset) || !DnsName.TrySkip(packet, ref offset) || offset + 20 != end) return false;
            uint minimum = BinaryPrimitives.ReadUInt32BigEndian(packet[(offset + 16)..]);
            ttl = Math.Min(record.Ttl, minimum > MaxTtl ? 0 : minimum);
            return true;
        }
        return true;
    }

    private static bool TryReadDataName(ReadOnlySpan<byte> packet, Record record, out byte[] name)
    {
        Span<byte> buffer = stackalloc byte[DnsName.MaxWireLength];
        int offset = record.DataOffset;
        bool ok = DnsName.TryRead(packet, ref offset, buffer, out int length) && offset == record.DataOffset + record.DataLength;
        name = ok ? buffer[..length].ToArray() : [];
        return ok;
    }

    private static bool Fail(DnsParseError reason, out DnsParseError error)
    {
        error = reason;
        return false;
    }
}
