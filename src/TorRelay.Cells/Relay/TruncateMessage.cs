namespace TorRelay.Cells.Relay;

/// <summary>RELAY_TRUNCATE (tor-spec §5.4): tear down the circuit beyond this hop; no body.</summary>
public readonly struct TruncateMessage : IRelayMessage<TruncateMessage>
{
    public static RelayCommand Command => RelayCommand.Truncate;

    public static bool TryDecode(ReadOnlySpan<byte> body, out TruncateMessage message, out CellError error)
    {
        message = default;
        return Wire.Ok(out error);
    }

    public int EncodeTo(Span<byte> destination) => 0;
}
