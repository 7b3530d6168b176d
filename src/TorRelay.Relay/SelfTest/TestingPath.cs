using TorRelay.Core.Circuits.Origin;

namespace TorRelay.Relay.SelfTest;

/// <summary>A reachability testing circuit's hops (C tor's CIRCUIT_PURPOSE_TESTING, DEFAULT_ROUTE_LEN 3): entry, middle, then us.</summary>
public sealed record TestingPath(CircuitTarget Entry, CircuitTarget Middle, CircuitTarget Self);
