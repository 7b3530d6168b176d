using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace TorRelay.Cells.Relay;

/// <summary>
/// RELAY_CONNECTED (tor-spec §6.2): empty, or IPv4 (4) [TTL (4)], or 0.0.0.0 | 6 | IPv6 (16) | TTL (4)
/// (C tor connected_cell_parse). <see cref="Ttl"/> is -1 when absent or above INT32_MAX.
/// </summary>
public readonly struct ConnectedMessage : IRelayMessage<ConnectedMessage>
{
    public ConnectedMessage(IPAddress? address, int ttl)
    {
        Address = address;
        Ttl = ttl;
    }

    public static RelayCommand Command => RelayCommand.Connected;
    public IPAddress? Address { get; }
    public int Ttl { get; }

    public static bool TryDecode(ReadOnlySpan<byte> body, out ConnectedMessage message, out CellError error)
    {
        if (body.Length == 0)
        {
            message = new ConnectedMessage(null, -1);
            return Wire.Ok(out error);
        }
        if (body.Length < 4) return Wire.Fail(out message, out error);
        if (BinaryPrimitives.ReadUInt32BigEndian(body) != 0)
        {
            int ttl = body.Length >= 8 ? Ttl32(body[4..]) : -1;
            message = new ConnectedMessage(new IPAddress(body[..4]), ttl);
            return Wire.Ok(out error);
        }
        if (body.Length < 25 || body[4] != 6) return Wire.Fail(out message, out error);
        message = new ConnectedMessage(new IPAddress(body.Slice(5, 16)), Ttl32(body[21..]));
        return Wire.Ok(out error);
    }

    private static int Ttl32(ReadOnlySpan<byte> b)
    {
        uint v = BinaryPrimitives.ReadUInt32BigEndian(b);
        return v <= int.MaxValue ? (int)v : -1;
    }

    public int EncodeTo(Span<byte> destination)
    {
        if (Address is null) return 0;
        uint ttl = Ttl < 0 ? 0u : (uint)Ttl;
        if (Address.AddressFamily == AddressFamily.InterNetwork)
        {
            Wire.EnsureRoom(destination, 8);
            Address.TryWriteBytes(destination, out _);
            BinaryPrimitives.WriteUInt32BigEndian(destination[4..], ttl);
            return 8;
        }
        Wire.EnsureRoom(destination, 25);
        destination[..4].Clear();
        destination[4] = 6;
        Address.TryWriteBytes(destination[5..], out _);
        BinaryPrimitives.WriteUInt32BigEndian(destination[21..], ttl);
        return 25;
    }
}
