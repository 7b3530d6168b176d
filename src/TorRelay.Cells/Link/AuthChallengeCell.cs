using System.Buffers.Binary;

namespace TorRelay.Cells.Link;

/// <summary>AUTH_CHALLENGE (tor-spec §4.3): a 32-byte challenge and the authentication methods the responder accepts.</summary>
public sealed record AuthChallengeCell(byte[] Challenge, ushort[] Methods)
{
    /// <summary>Ed25519-SHA256-RFC5705, the only method C tor 0.4.9 offers and the only one we speak.</summary>
    public const ushort Ed25519Sha256Rfc5705 = 3;

    public byte[] Encode()
    {
        var payload = new byte[32 + 2 + Methods.Length * 2];
        Challenge.CopyTo(payload, 0);
        BinaryPrimitives.WriteUInt16BigEndian(payload.AsSpan(32), (ushort)Methods.Length);
        for (int i = 0; i < Methods.Length; i++)
            BinaryPrimitives.WriteUInt16BigEndian(payload.AsSpan(34 + i * 2), Methods[i]);
        return payload;
    }

    public static bool TryDecode(ReadOnlySpan<byte> payload, out AuthChallengeCell? cell, out CellError error)
    {
        cell = null;
        error = CellError.Malformed;
        if (payload.Length < 34) return false;
        int n = BinaryPrimitives.ReadUInt16BigEndian(payload[32..]);
        if (payload.Length < 34 + n * 2) return false;
        var methods = new ushort[n];
        for (int i = 0; i < n; i++) methods[i] = BinaryPrimitives.ReadUInt16BigEndian(payload[(34 + i * 2)..]);
        cell = new AuthChallengeCell(payload[..32].ToArray(), methods);
        error = CellError.None;
        return true;
    }
}
