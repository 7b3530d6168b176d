using TorRelay.Cells.Link;

namespace TorRelay.Cells.Relay;

/// <summary>RELAY_TRUNCATED (tor-spec §5.4): the DESTROY reason (1) for the part of the circuit that went away.</summary>
public readonly struct TruncatedMessage : IRelayMessage<TruncatedMessage>
{
    public TruncatedMessage(DestroyReason reason) => Reason = reason;

    public static RelayCommand Command => RelayCommand.Truncated;
    public DestroyReason Reason { get; }

    /// <summary>An empty body reads as reason NONE (C tor reads the first byte of the zeroed cell).</summary>
    public static bool TryDecode(ReadOnlySpan<byte> body, out TruncatedMessage message, out CellError error)
    {
        message = new TruncatedMessage(body.Length > 0 ? (DestroyReason)body[0] : DestroyReason.None);
        return Wire.Ok(out error);
    }

    public int EncodeTo(Span<byte> destination)
    {
        Wire.EnsureRoom(destination, 1);
        destination[0] = (byte)Reason;
        return 1;
    }
}
