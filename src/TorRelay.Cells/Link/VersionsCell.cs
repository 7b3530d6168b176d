using System.Buffers.Binary;

namespace TorRelay.Cells.Link;

/// <summary>VERSIONS (tor-spec §4.1): a list of 2-byte link protocol versions; always sent with 2-byte circuit IDs.</summary>
public static class VersionsCell
{
    public static byte[] Encode(ReadOnlySpan<ushort> versions)
    {
        var payload = new byte[versions.Length * 2];
        for (int i = 0; i < versions.Length; i++)
            BinaryPrimitives.WriteUInt16BigEndian(payload.AsSpan(i * 2), versions[i]);
        return payload;
    }

    public static bool TryDecode(ReadOnlySpan<byte> payload, out ushort[] versions, out CellError error)
    {
        if (payload.Length % 2 != 0 || payload.Length == 0)
        {
            versions = [];
            error = CellError.Malformed;
            return false;
        }
        versions = new ushort[payload.Length / 2];
        for (int i = 0; i < versions.Length; i++)
            versions[i] = BinaryPrimitives.ReadUInt16BigEndian(payload[(i * 2)..]);
        error = CellError.None;
        return true;
    }

    /// <summary>The highest version both sides list, or 0 if none.</summary>
    public static int Negotiate(ReadOnlySpan<ushort> ours, ReadOnlySpan<ushort> theirs)
    {
        int best = 0;
        foreach (var v in theirs)
            if (v > best && ours.Contains(v)) best = v;
        return best;
    }
}
