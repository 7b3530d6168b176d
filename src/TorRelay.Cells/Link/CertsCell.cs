using System.Buffers.Binary;
using TorRelay.Cells.Certs;

namespace TorRelay.Cells.Link;

/// <summary>CERTS (tor-spec §4.2): N certificates, each a type, a 2-byte length and the bytes.</summary>
public sealed class CertsCell
{
    public CertsCell(IReadOnlyList<(CertType Type, byte[] Body)> certificates) => Certificates = certificates;

    public IReadOnlyList<(CertType Type, byte[] Body)> Certificates { get; }

    /// <summary>The certificate of a type, or null; <paramref name="duplicate"/> is set when it appears twice.</summary>
    public byte[]? Find(CertType type, out bool duplicate)
    {
        byte[]? found = null;
        duplicate = false;
        foreach (var (t, body) in Certificates)
        {
            if (t != type) continue;
            if (found is not null) duplicate = true;
            found = body;
        }
        return found;
    }

    public byte[] Encode()
    {
        int len = 1;
        foreach (var (_, body) in Certificates) len += 3 + body.Length;
        var payload = new byte[len];
        payload[0] = checked((byte)Certificates.Count);
        int o = 1;
        foreach (var (type, body) in Certificates)
        {
            payload[o] = (byte)type;
            BinaryPrimitives.WriteUInt16BigEndian(payload.AsSpan(o + 1), checked((ushort)body.Length));
            body.CopyTo(payload, o + 3);
            o += 3 + body.Length;
        }
        return payload;
    }

    public static bool TryDecode(ReadOnlySpan<byte> payload, out CertsCell? cell, out CellError error)
    {
        cell = null;
        error = CellError.Malformed;
        if (payload.Length < 1) return false;
        int n = payload[0];
        var list = new List<(CertType, byte[])>(n);
        int o = 1;
        for (int i = 0; i < n; i++)
        {
            if (payload.Length < o + 3) return false;
            var type = (CertType)payload[o];
            int len = BinaryPrimitives.ReadUInt16BigEndian(payload[(o + 1)..]);
            if (payload.Length < o + 3 + len) return false;
            list.Add((type, payload.Slice(o + 3, len).ToArray()));
            o += 3 + len;
        }
        cell = new CertsCell(list);
        error = CellError.None;
        return true;
    }
}
