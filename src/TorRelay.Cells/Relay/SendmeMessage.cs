using System.Buffers.Binary;

namespace TorRelay.Cells.Relay;

/// <summary>
/// RELAY_SENDME (tor-spec §7.4, C tor sendme_cell.trunnel): empty or version 0 (no authentication), or version 1 with
/// the 20-byte digest of the cell that triggered it. The digest is held in fields so decoding allocates nothing.
/// </summary>
public readonly struct SendmeMessage : IRelayMessage<SendmeMessage>
{
    public const int DigestLength = 20;

    private readonly ulong _d0, _d1;
    private readonly uint _d2;

    /// <summary>A version 1 SENDME authenticating <paramref name="digest"/> (20 bytes).</summary>
    public SendmeMessage(ReadOnlySpan<byte> digest)
    {
        if (digest.Length != DigestLength) throw new ArgumentException("SENDME digest is 20 bytes", nameof(digest));
        Version = 1;
        _d0 = BinaryPrimitives.ReadUInt64BigEndian(digest);
        _d1 = BinaryPrimitives.ReadUInt64BigEndian(digest[8..]);
        _d2 = BinaryPrimitives.ReadUInt32BigEndian(digest[16..]);
    }

    public static RelayCommand Command => RelayCommand.Sendme;

    /// <summary>0 (unauthenticated; <c>default</c>) or 1.</summary>
    public byte Version { get; }

    public void CopyDigestTo(Span<byte> destination)
    {
        if (Version != 1) throw new InvalidOperationException("only version 1 SENDMEs carry a digest");
        BinaryPrimitives.WriteUInt64BigEndian(destination, _d0);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], _d1);
        BinaryPrimitives.WriteUInt32BigEndian(destination[16..], _d2);
    }

    /// <summary>Whether this is a v1 SENDME carrying exactly <paramref name="expected"/>.</summary>
    public bool DigestEquals(ReadOnlySpan<byte> expected) =>
        Version == 1 && expected.Length == DigestLength
        // Not secret: compared against what we sent, so no constant-time compare is needed.
        && BinaryPrimitives.ReadUInt64BigEndian(expected) == _d0
        && BinaryPrimitives.ReadUInt64BigEndian(expected[8..]) == _d1
        && BinaryPrimitives.ReadUInt32BigEndian(expected[16..]) == _d2;

    public static bool TryDecode(ReadOnlySpan<byte> body, out SendmeMessage message, out CellError error)
    {
        message = default;
        if (body.Length == 0) return Wire.Ok(out error);
        if (body.Length < 3) return Wire.Fail(out message, out error);
        byte version = body[0];
        int dataLength = BinaryPrimitives.ReadUInt16BigEndian(body[1..]);
        if (dataLength > body.Length - 3) return Wire.Fail(out message, out error);
        switch (version)
        {
            case 0:
                return Wire.Ok(out error);
            case 1:
                if (dataLength != DigestLength) return Wire.Fail(out message, out error);
                message = new SendmeMessage(body.Slice(3, DigestLength));
                return Wire.Ok(out error);
            default:
                return Wire.Fail(out message, out error);
        }
    }

    /// <summary>Version 0 encodes as an empty body (as C tor sends it); version 1 as 01 | 0014 | digest.</summary>
    public int EncodeTo(Span<byte> destination)
    {
        if (Version == 0) return 0;
        Wire.EnsureRoom(destination, 3 + DigestLength);
        destination[0] = 1;
        BinaryPrimitives.WriteUInt16BigEndian(destination[1..], DigestLength);
        CopyDigestTo(destination[3..]);
        return 3 + DigestLength;
    }
}
