using System.Buffers.Binary;

namespace TorRelay.Cells.Relay;

/// <summary>
/// RELAY_XON (proposal 324 §4.1, C tor flow_control_cells.trunnel <c>xon_cell</c>): version (1, must be 0) and
/// kbps_ewma (4, big-endian), the sender's advisory drain rate in kilobytes (1000 bytes) per second; 0 means no advice.
/// Bytes after these five are ignored, as trunnel's parser ignores them.
/// </summary>
public readonly struct XonMessage : IRelayMessage<XonMessage>
{
    public const int Length = 5;

    public XonMessage(uint kbpsEwma) => KbpsEwma = kbpsEwma;

    public static RelayCommand Command => RelayCommand.Xon;

    /// <summary>Always 0 (the only version trunnel accepts).</summary>
    public byte Version => 0;

    /// <summary>Advisory drain rate in kilobytes (1000 bytes) per second; 0: no advice.</summary>
    public uint KbpsEwma { get; }

    public static bool TryDecode(ReadOnlySpan<byte> body, out XonMessage message, out CellError error)
    {
        if (body.Length < Length || body[0] != 0) return Wire.Fail(out message, out error);
        message = new XonMessage(BinaryPrimitives.ReadUInt32BigEndian(body[1..]));
        return Wire.Ok(out error);
    }

    public int EncodeTo(Span<byte> destination)
    {
        Wire.EnsureRoom(destination, Length);
        destination[0] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(destination[1..], KbpsEwma);
        return Length;
    }
}
