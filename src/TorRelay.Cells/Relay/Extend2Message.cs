using System.Buffers.Binary;
using System.Net;
using TorRelay.Cells.Circuits;

namespace TorRelay.Cells.Relay;

/// <summary>
/// RELAY_EXTEND2 (tor-spec §5.1.2): NSPEC (1) | link specifiers | HTYPE (2) | HLEN (2) | HDATA. Decoding applies
/// C tor's extend_cell_parse rules: exactly one RSA identity, at most one ed25519 identity, a usable IPv4 or IPv6
/// address and port (the first of each kind counts), no CREATE_FAST, and the TAP/ntor onion skin lengths.
/// </summary>
public readonly struct Extend2Message : IRelayMessage<Extend2Message>
{
    private readonly LinkSpecifier[] _specifiers;

    public Extend2Message(IReadOnlyList<LinkSpecifier> linkSpecifiers, HandshakeType handshakeType, ReadOnlyMemory<byte> handshakeData)
    {
        _specifiers = [.. linkSpecifiers];
        HandshakeType = handshakeType;
        HandshakeData = handshakeData;
    }

    public static RelayCommand Command => RelayCommand.Extend2;

    /// <summary>All specifiers in the order received, unknown ones included.</summary>
    public IReadOnlyList<LinkSpecifier> LinkSpecifiers => _specifiers ?? [];
    public HandshakeType HandshakeType { get; }
    public ReadOnlyMemory<byte> HandshakeData { get; }

    public IPEndPoint? Ipv4EndPoint => First(LinkSpecifierType.Ipv4)?.EndPoint;
    public IPEndPoint? Ipv6EndPoint => First(LinkSpecifierType.Ipv6)?.EndPoint;
    /// <summary>SHA-1 of the next relay's RSA identity key (20 bytes).</summary>
    public ReadOnlyMemory<byte> RsaIdentity => First(LinkSpecifierType.LegacyId)?.Data ?? default;
    /// <summary>The next relay's ed25519 identity (32 bytes), or empty when not given.</summary>
    public ReadOnlyMemory<byte> Ed25519Identity => First(LinkSpecifierType.Ed25519Id)?.Data ?? default;

    private LinkSpecifier? First(LinkSpecifierType type)
    {
        foreach (var s in LinkSpecifiers)
            if (s.Type == type) return s;
        return null;
    }

    public static bool TryDecode(ReadOnlySpan<byte> body, out Extend2Message message, out CellError error)
    {
        message = default;
        if (body.Length > RelayCellHeader.MaxDataLength) return Wire.Fail(out message, out error, CellError.TooLong);
        if (body.Length < 1) return Wire.Fail(out message, out error);
        int n = body[0];
        int offset = 1;
        var specs = new LinkSpecifier[n];
        bool rsa = false, ed = false, ipv4Usable = false, ipv6Usable = false, ipv4Seen = false, ipv6Seen = false;
        for (int i = 0; i < n; i++)
        {
            if (!LinkSpecifier.TryRead(body, ref offset, out specs[i], out error)) return false;
            var data = specs[i].Data.Span;
            switch (specs[i].Type)
            {
                case LinkSpecifierType.LegacyId:
                    if (rsa || data.IndexOfAnyExcept((byte)0) < 0) return Wire.Fail(out message, out error);
                    rsa = true;
                    break;
                case LinkSpecifierType.Ed25519Id:
                    if (ed) return Wire.Fail(out message, out error);
                    ed = true;
                    break;
                case LinkSpecifierType.Ipv4 when !ipv4Seen:
                    ipv4Seen = true;
                    ipv4Usable = IsUsable(data[..4], data[4..]);
                    break;
                case LinkSpecifierType.Ipv6 when !ipv6Seen:
                    ipv6Seen = true;
                    ipv6Usable = IsUsable(data[..16], data[16..]);
                    break;
            }
        }
        if (!rsa || !(ipv4Usable || ipv6Usable)) return Wire.Fail(out message, out error);

        if (body.Length - offset < 4) return Wire.Fail(out message, out error);
        var type = (HandshakeType)BinaryPrimitives.ReadUInt16BigEndian(body[offset..]);
        int hlen = BinaryPrimitives.ReadUInt16BigEndian(body[(offset + 2)..]);
        offset += 4;
        if (hlen > body.Length - offset) return Wire.Fail(out message, out error);
        if (!HandshakeTypes.IsAcceptableLength(type, hlen, unknownOk: true)) return Wire.Fail(out message, out error);

        message = new Extend2Message(specs, type, body.Slice(offset, hlen).ToArray());
        return Wire.Ok(out error);
    }

    /// <summary>C tor tor_addr_port_is_valid_ap: a non-zero address and a non-zero port.</summary>
    private static bool IsUsable(ReadOnlySpan<byte> address, ReadOnlySpan<byte> port) =>
        address.IndexOfAnyExcept((byte)0) >= 0 && BinaryPrimitives.ReadUInt16BigEndian(port) != 0;

    public int EncodeTo(Span<byte> destination)
    {
        var specs = LinkSpecifiers;
        if (specs.Count > 255) throw new InvalidOperationException("at most 255 link specifiers");
        int needed = 1 + 4 + HandshakeData.Length;
        foreach (var s in specs) needed += s.EncodedLength;
        if (needed > RelayCellHeader.MaxDataLength) throw new InvalidOperationException("EXTEND2 does not fit in a relay cell");
        Wire.EnsureRoom(destination, needed);
        destination[0] = (byte)specs.Count;
        int o = 1;
        foreach (var s in specs) o += s.EncodeTo(destination[o..]);
        BinaryPrimitives.WriteUInt16BigEndian(destination[o..], (ushort)HandshakeType);
        BinaryPrimitives.WriteUInt16BigEndian(destination[(o + 2)..], (ushort)HandshakeData.Length);
        HandshakeData.Span.CopyTo(destination[(o + 4)..]);
        return needed;
    }
}
