using TorRelay.Cells.Relay;

namespace TorRelay.Core.Circuits;

/// <summary>
/// Handles relay messages addressed to this hop that the core does not (EXTEND2 for relays, BEGIN for exits …).
/// Roles register one; the core knows nothing about what they do.
/// </summary>
public interface IRelayCommandHandler
{
    /// <summary>Returns false if the command is not this handler's, so the core can answer it generically.</summary>
    bool TryHandle(CircuitSwitch circuits, RelayCircuit circuit, RelayCellHeader header, ReadOnlySpan<byte> body, bool relayEarly);
}
