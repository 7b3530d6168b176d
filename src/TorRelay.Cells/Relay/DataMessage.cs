namespace TorRelay.Cells.Relay;

/// <summary>RELAY_DATA (tor-spec §6.2): stream bytes, viewed in place — never copied into an array.</summary>
public readonly ref struct DataMessage : IRelayMessage<DataMessage>
{
    public DataMessage(ReadOnlySpan<byte> data) => Data = data;

    public static RelayCommand Command => RelayCommand.Data;
    public ReadOnlySpan<byte> Data { get; }

    public static bool TryDecode(ReadOnlySpan<byte> body, out DataMessage message, out CellError error)
    {
        message = default;
        if (body.Length > RelayCellHeader.MaxDataLength)
        {
            error = CellError.TooLong;
            return false;
        }
        message = new DataMessage(body);
        error = CellError.None;
        return true;
    }

    public int EncodeTo(Span<byte> destination)
    {
        if (Data.Length > RelayCellHeader.MaxDataLength) throw new InvalidOperationException("DATA holds at most 498 bytes");
        Wire.EnsureRoom(destination, Data.Length);
        Data.CopyTo(destination);
        return Data.Length;
    }
}
