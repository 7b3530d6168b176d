using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace TorRelay.Cells.Relay;

/// <summary>
/// One link specifier: type (1) | length (1) | data (tor-spec §5.1.2, C tor ed25519_cert.trunnel). Known types must
/// have their exact length; unknown types are kept as opaque bytes.
/// </summary>
public readonly record struct LinkSpecifier(LinkSpecifierType Type, ReadOnlyMemory<byte> Data)
{
    public static LinkSpecifier FromEndPoint(IPEndPoint endPoint)
    {
        bool v4 = endPoint.AddressFamily == AddressFamily.InterNetwork;
        var data = new byte[v4 ? 6 : 18];
        endPoint.Address.TryWriteBytes(data, out int n);
        BinaryPrimitives.WriteUInt16BigEndian(data.AsSpan(n), (ushort)endPoint.Port);
        return new LinkSpecifier(v4 ? LinkSpecifierType.Ipv4 : LinkSpecifierType.Ipv6, data);
    }

    public static LinkSpecifier LegacyId(ReadOnlySpan<byte> rsaIdDigest) =>
        rsaIdDigest.Length == 20 ? new(LinkSpecifierType.LegacyId, rsaIdDigest.ToArray())
            : throw new ArgumentException("RSA identity digest is 20 bytes", nameof(rsaIdDigest));

    public static LinkSpecifier Ed25519Id(ReadOnlySpan<byte> ed25519Key) =>
        ed25519Key.Length == 32 ? new(LinkSpecifierType.Ed25519Id, ed25519Key.ToArray())
            : throw new ArgumentException("ed25519 identity is 32 bytes", nameof(ed25519Key));

    /// <summary>The address and port of an IPv4 or IPv6 specifier; null for other types.</summary>
    public IPEndPoint? EndPoint => Type switch
    {
        LinkSpecifierType.Ipv4 => new IPEndPoint(new IPAddress(Data.Span[..4]), BinaryPrimitives.ReadUInt16BigEndian(Data.Span[4..])),
        LinkSpecifierType.Ipv6 => new IPEndPoint(new IPAddress(Data.Span[..16]), BinaryPrimitives.ReadUInt16BigEndian(Data.Span[16..])),
        _ => null,
    };

    public int EncodedLength => 2 + Data.Length;

    /// <summary>The length a known type must have, or -1 for unknown types.</summary>
    public static int RequiredLength(LinkSpecifierType type) => type switch
    {
        LinkSpecifierType.Ipv4 => 6,
        LinkSpecifierType.Ipv6 => 18,
        LinkSpecifierType.LegacyId => 20,
        LinkSpecifierType.Ed25519Id => 32,
        _ => -1,
    };

    /// <summary>Reads one specifier at <paramref name="offset"/> and advances it.</summary>
    public static bool TryRead(ReadOnlySpan<byte> input, ref int offset, out LinkSpecifier spec, out CellError error)
    {
        spec = default;
        if (input.Length - offset < 2) return Wire.Fail(out spec, out error);
        var type = (LinkSpecifierType)input[offset];
        int length = input[offset + 1];
        if (input.Length - offset - 2 < length) return Wire.Fail(out spec, out error);
        int required = RequiredLength(type);
        if (required >= 0 && length != required) return Wire.Fail(out spec, out error);
        spec = new LinkSpecifier(type, input.Slice(offset + 2, length).ToArray());
        offset += 2 + length;
        return Wire.Ok(out error);
    }

    public int EncodeTo(Span<byte> destination)
    {
        if (Data.Length > 255) throw new InvalidOperationException("link specifier data is at most 255 bytes");
        Wire.EnsureRoom(destination, EncodedLength);
        destination[0] = (byte)Type;
        destination[1] = (byte)Data.Length;
        Data.Span.CopyTo(destination[2..]);
        return EncodedLength;
    }
}
