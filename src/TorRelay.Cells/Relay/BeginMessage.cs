using System.Buffers.Binary;
using System.Text;

namespace TorRelay.Cells.Relay;

/// <summary>
/// RELAY_BEGIN (tor-spec §6.2): "ADDRESS:PORT" NUL [FLAGS (4)]. ADDRESS is a hostname, IPv4 literal or bracketed IPv6
/// literal, kept as sent (C tor begin_cell_parse). The port must be 1..65535.
/// </summary>
public readonly struct BeginMessage : IRelayMessage<BeginMessage>
{
    public BeginMessage(string address, ushort port, BeginFlags flags = BeginFlags.None)
    {
        Address = address;
        Port = port;
        Flags = flags;
    }

    public static RelayCommand Command => RelayCommand.Begin;
    public string Address { get; }
    public ushort Port { get; }
    public BeginFlags Flags { get; }

    public static bool TryDecode(ReadOnlySpan<byte> body, out BeginMessage message, out CellError error)
    {
        int nul = body.IndexOf((byte)0);
        if (nul < 0) return Wire.Fail(out message, out error);
        var addrPort = body[..nul];
        int colon = addrPort.LastIndexOf((byte)':');
        if (colon <= 0 || !TryParsePort(addrPort[(colon + 1)..], out ushort port))
            return Wire.Fail(out message, out error);
        // C tor reads the flags only when they are present (it checks for 3 bytes but we need all 4).
        var rest = body[(nul + 1)..];
        var flags = rest.Length >= 4 ? (BeginFlags)BinaryPrimitives.ReadUInt32BigEndian(rest) : BeginFlags.None;
        message = new BeginMessage(Encoding.Latin1.GetString(addrPort[..colon]), port, flags);
        return Wire.Ok(out error);
    }

    private static bool TryParsePort(ReadOnlySpan<byte> digits, out ushort port)
    {
        port = 0;
        if (digits.Length is 0 or > 5) return false;
        int value = 0;
        foreach (byte c in digits)
        {
            if (c is < (byte)'0' or > (byte)'9') return false;
            value = value * 10 + (c - '0');
        }
        if (value is < 1 or > 65535) return false;
        port = (ushort)value;
        return true;
    }

    public int EncodeTo(Span<byte> destination)
    {
        if (string.IsNullOrEmpty(Address) || Port == 0) throw new InvalidOperationException("BEGIN needs an address and a port");
        string text = $"{Address}:{Port}";
        int needed = text.Length + 1 + (Flags != BeginFlags.None ? 4 : 0);
        Wire.EnsureRoom(destination, needed);
        int n = Encoding.Latin1.GetBytes(text, destination);
        destination[n++] = 0;
        // C tor sends the flags word only when a flag is set.
        if (Flags != BeginFlags.None)
        {
            BinaryPrimitives.WriteUInt32BigEndian(destination[n..], (uint)Flags);
            n += 4;
        }
        return n;
    }
}
