using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace TorRelay.Cells.Relay;

/// <summary>
/// RELAY_END (tor-spec §6.3): reason (1), and for EXITPOLICY the refused address — IPv4 (4) or IPv6 (16) — with an
/// optional TTL (4). An empty body means MISC, as in C tor. Other address lengths are ignored, not errors.
/// </summary>
public readonly struct EndMessage : IRelayMessage<EndMessage>
{
    public EndMessage(EndReason reason, IPAddress? address = null, int ttl = -1)
    {
        Reason = reason;
        Address = address;
        Ttl = ttl;
    }

    public static RelayCommand Command => RelayCommand.End;
    public EndReason Reason { get; }
    public IPAddress? Address { get; }
    /// <summary>-1 when absent.</summary>
    public int Ttl { get; }

    public static bool TryDecode(ReadOnlySpan<byte> body, out EndMessage message, out CellError error)
    {
        if (body.Length == 0)
        {
            message = new EndMessage(EndReason.Misc);
            return Wire.Ok(out error);
        }
        var reason = (EndReason)body[0];
        IPAddress? address = null;
        int ttl = -1;
        switch (body.Length)
        {
            case 5 or 9:
                address = new IPAddress(body.Slice(1, 4));
                if (body.Length == 9) ttl = (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(body[5..]), int.MaxValue);
                break;
            case 17 or 21:
                address = new IPAddress(body.Slice(1, 16));
                if (body.Length == 21) ttl = (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(body[17..]), int.MaxValue);
                break;
        }
        message = new EndMessage(reason, address, ttl);
        return Wire.Ok(out error);
    }

    public int EncodeTo(Span<byte> destination)
    {
        int alen = Address is null ? 0 : Address.AddressFamily == AddressFamily.InterNetwork ? 4 : 16;
        int needed = 1 + alen + (alen > 0 && Ttl >= 0 ? 4 : 0);
        Wire.EnsureRoom(destination, needed);
        destination[0] = (byte)Reason;
        if (alen > 0)
        {
            Address!.TryWriteBytes(destination[1..], out _);
            if (Ttl >= 0) BinaryPrimitives.WriteUInt32BigEndian(destination[(1 + alen)..], (uint)Ttl);
        }
        return needed;
    }
}
