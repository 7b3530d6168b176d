namespace TorRelay.Cells.Relay;

/// <summary>RELAY_BEGIN_DIR (tor-spec §6.2): opens a stream to the relay's directory port; the body is ignored.</summary>
public readonly struct BeginDirMessage : IRelayMessage<BeginDirMessage>
{
    public static RelayCommand Command => RelayCommand.BeginDir;

    public static bool TryDecode(ReadOnlySpan<byte> body, out BeginDirMessage message, out CellError error)
    {
        message = default;
        return Wire.Ok(out error);
    }

    public int EncodeTo(Span<byte> destination) => 0;
}
