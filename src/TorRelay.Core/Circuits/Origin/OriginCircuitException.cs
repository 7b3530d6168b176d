using TorRelay.Cells.Link;

namespace TorRelay.Core.Circuits.Origin;

/// <summary>A circuit we originate could not be built or was torn down: DESTROY, TRUNCATED, a bad reply, a timeout.</summary>
public sealed class OriginCircuitException(string message, DestroyReason reason = DestroyReason.None) : Exception(message)
{
    /// <summary>The reason the network gave (DESTROY or TRUNCATED), or the one we sent.</summary>
    public DestroyReason Reason { get; } = reason;
}
