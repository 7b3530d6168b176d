namespace TorRelay.Cells.Relay;

/// <summary>RELAY_DROP (tor-spec §6.1): long-range padding, dropped by its recipient; the body is ignored.</summary>
public readonly struct DropMessage : IRelayMessage<DropMessage>
{
    public static RelayCommand Command => RelayCommand.Drop;

    public static bool TryDecode(ReadOnlySpan<byte> body, out DropMessage message, out CellError error)
    {
        message = default;
        return Wire.Ok(out error);
    }

    public int EncodeTo(Span<byte> destination) => 0;
}
