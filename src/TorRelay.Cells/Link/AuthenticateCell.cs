using System.Buffers.Binary;

namespace TorRelay.Cells.Link;

/// <summary>AUTHENTICATE (tor-spec §4.4): an auth type, a 2-byte length and the authenticator.</summary>
public sealed record AuthenticateCell(ushort AuthType, byte[] Authenticator)
{
    public byte[] Encode()
    {
        var payload = new byte[4 + Authenticator.Length];
        BinaryPrimitives.WriteUInt16BigEndian(payload, AuthType);
        BinaryPrimitives.WriteUInt16BigEndian(payload.AsSpan(2), checked((ushort)Authenticator.Length));
        Authenticator.CopyTo(payload, 4);
        return payload;
    }

    public static bool TryDecode(ReadOnlySpan<byte> payload, out AuthenticateCell? cell, out CellError error)
    {
        cell = null;
        error = CellError.Malformed;
        if (payload.Length < 4) return false;
        int len = BinaryPrimitives.ReadUInt16BigEndian(payload[2..]);
        if (payload.Length < 4 + len) return false;
        cell = new AuthenticateCell(BinaryPrimitives.ReadUInt16BigEndian(payload), payload.Slice(4, len).ToArray());
        error = CellError.None;
        return true;
    }
}
