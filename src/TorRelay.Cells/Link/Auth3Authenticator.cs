namespace TorRelay.Cells.Link;

/// <summary>
/// The signed part of an Ed25519-SHA256-RFC5705 ("AUTH0003") authenticator (tor-spec §4.4.2): fixed-size fields,
/// then RAND, then a 64-byte ed25519 signature by the initiator's authentication key over everything before it.
/// </summary>
public static class Auth3Authenticator
{
    public static ReadOnlySpan<byte> Type => "AUTH0003"u8;

    /// <summary>TYPE through TLSSECRETS: 8 + 32*8 bytes; these must match exactly.</summary>
    public const int FixedPartLength = 8 + 32 * 8;
    public const int RandLength = 24;
    public const int SignedLength = FixedPartLength + RandLength;
    public const int SignatureLength = 64;
    public const int Length = SignedLength + SignatureLength;

    /// <summary>Lays out TYPE, CID, SID, CID_ED, SID_ED, SLOG, CLOG, SCERT, TLSSECRETS into <paramref name="destination"/>.</summary>
    public static void WriteFixedPart(Span<byte> destination, ReadOnlySpan<byte> cid, ReadOnlySpan<byte> sid,
        ReadOnlySpan<byte> cidEd, ReadOnlySpan<byte> sidEd, ReadOnlySpan<byte> slog, ReadOnlySpan<byte> clog,
        ReadOnlySpan<byte> scert, ReadOnlySpan<byte> tlsSecrets)
    {
        Type.CopyTo(destination);
        int o = 8;
        Put(destination, ref o, cid);
        Put(destination, ref o, sid);
        Put(destination, ref o, cidEd);
        Put(destination, ref o, sidEd);
        Put(destination, ref o, slog);
        Put(destination, ref o, clog);
        Put(destination, ref o, scert);
        Put(destination, ref o, tlsSecrets);
    }

    private static void Put(Span<byte> destination, ref int offset, ReadOnlySpan<byte> field)
    {
        if (field.Length != 32) throw new ArgumentException("AUTH0003 fields are 32 bytes");
        field.CopyTo(destination[offset..]);
        offset += 32;
    }
}
