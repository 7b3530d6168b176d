using TorRelay.Cells.Relay;

namespace TorRelay.Core.Circuits;

/// <summary>Offers each relay command to several role handlers in turn (EXTEND2 to the relay, BEGIN_DIR to the cache …).</summary>
public sealed class CompositeRelayCommandHandler(params IRelayCommandHandler[] handlers) : IRelayCommandHandler
{
    public bool TryHandle(CircuitSwitch circuits, RelayCircuit circuit, RelayCellHeader header, ReadOnlySpan<byte> body, bool relayEarly)
    {
        foreach (var h in handlers)
            if (h.TryHandle(circuits, circuit, header, body, relayEarly)) return true;
        return false;
    }
}
