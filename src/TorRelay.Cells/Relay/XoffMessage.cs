namespace TorRelay.Cells.Relay;

/// <summary>
/// RELAY_XOFF (proposal 324 §4.1, C tor flow_control_cells.trunnel <c>xoff_cell</c>): a version byte that must be 0.
/// It asks the other end to stop reading from this stream's edge until an XON. Bytes after the version are ignored,
/// as trunnel's parser ignores them.
/// </summary>
public readonly struct XoffMessage : IRelayMessage<XoffMessage>
{
    public const int Length = 1;

    public static RelayCommand Command => RelayCommand.Xoff;

    /// <summary>Always 0 (the only version trunnel accepts).</summary>
    public byte Version => 0;

    public static bool TryDecode(ReadOnlySpan<byte> body, out XoffMessage message, out CellError error)
    {
        message = default;
        if (body.Length < Length || body[0] != 0) return Wire.Fail(out message, out error);
        return Wire.Ok(out error);
    }

    public int EncodeTo(Span<byte> destination)
    {
        Wire.EnsureRoom(destination, Length);
        destination[0] = 0;
        return Length;
    }
}
