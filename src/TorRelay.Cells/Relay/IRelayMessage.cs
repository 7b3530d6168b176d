namespace TorRelay.Cells.Relay;

/// <summary>
/// One relay message type (STYLE §2): a single decoder from the message bytes (the header's Length bytes) and a single
/// encoder. Decoders never throw on network input; encoders throw only when given an impossible message or too small
/// a buffer (a bug on our side).
/// </summary>
public interface IRelayMessage<TSelf> where TSelf : IRelayMessage<TSelf>, allows ref struct
{
    static abstract RelayCommand Command { get; }
    static abstract bool TryDecode(ReadOnlySpan<byte> body, out TSelf message, out CellError error);
    /// <summary>Writes the message and returns the number of bytes written.</summary>
    int EncodeTo(Span<byte> destination);
}
