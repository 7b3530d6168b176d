namespace TorRelay.Core.Metrics;

/// <summary>
/// The connection types we have, labelled as C tor's conn_type_to_string() names them in tor_relay_connections.
/// </summary>
public enum ConnectionType
{
    /// <summary>"OR listener": an ORPort listening socket (C tor counts it as initiated).</summary>
    OrListener,
    /// <summary>"OR": a TLS link to a relay or client.</summary>
    Or,
    /// <summary>"Directory": an HTTP connection to a directory authority or cache.</summary>
    Directory,
    /// <summary>"Metrics listener": the MetricsPort listening socket.</summary>
    MetricsListener,
    /// <summary>"Metrics": one MetricsPort request connection.</summary>
    Metrics,
}
