using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace TorRelay.Cells.Link;

/// <summary>NETINFO (tor-spec §4.5): a timestamp, the address we see the peer at, and our own addresses.</summary>
public sealed record NetinfoCell(uint Timestamp, IPAddress? OtherAddress, IReadOnlyList<IPAddress> MyAddresses)
{
    public byte[] Encode()
    {
        var payload = new byte[LinkVersion.PayloadLength];
        BinaryPrimitives.WriteUInt32BigEndian(payload, Timestamp);
        int o = 4;
        o += WriteAddress(payload.AsSpan(o), OtherAddress);
        payload[o++] = checked((byte)MyAddresses.Count);
        foreach (var a in MyAddresses) o += WriteAddress(payload.AsSpan(o), a);
        return payload;
    }

    private static int WriteAddress(Span<byte> dest, IPAddress? address)
    {
        if (address is null)
        {
            // An empty IPv4 entry is what C tor sends when it has nothing to say.
            dest[0] = 4;
            dest[1] = 4;
            dest.Slice(2, 4).Clear();
            return 6;
        }
        bool v6 = address.AddressFamily == AddressFamily.InterNetworkV6;
        dest[0] = (byte)(v6 ? 6 : 4);
        dest[1] = (byte)(v6 ? 16 : 4);
        address.TryWriteBytes(dest[2..], out int written);
        return 2 + written;
    }

    /// <summary>Parses; unknown address types and wrong lengths are skipped, trailing bytes ignored (tor-spec §4.5).</summary>
    public static bool TryDecode(ReadOnlySpan<byte> payload, out NetinfoCell? cell, out CellError error)
    {
        cell = null;
        error = CellError.Malformed;
        if (payload.Length < 4 + 2 + 1) return false;
        uint ts = BinaryPrimitives.ReadUInt32BigEndian(payload);
        int o = 4;
        if (!TryReadAddress(payload, ref o, out var other)) return false;
        if (o >= payload.Length) return false;
        int n = payload[o++];
        var mine = new List<IPAddress>(n);
        for (int i = 0; i < n; i++)
        {
            if (!TryReadAddress(payload, ref o, out var a)) return false;
            if (a is not null) mine.Add(a);
        }
        cell = new NetinfoCell(ts, other, mine);
        error = CellError.None;
        return true;
    }

    private static bool TryReadAddress(ReadOnlySpan<byte> payload, ref int o, out IPAddress? address)
    {
        address = null;
        if (payload.Length < o + 2) return false;
        int type = payload[o], len = payload[o + 1];
        if (payload.Length < o + 2 + len) return false;
        var value = payload.Slice(o + 2, len);
        if (type == 4 && len == 4) address = new IPAddress(value);
        else if (type == 6 && len == 16) address = new IPAddress(value);
        o += 2 + len;
        return true;
    }
}
