namespace TorRelay.Core.Metrics;

/// <summary>Who opened a connection: C tor's "direction" label.</summary>
public enum ConnectionDirection
{
    /// <summary>"initiated": we connected (or opened the listener).</summary>
    Initiated,
    /// <summary>"received": accepted from a listener.</summary>
    Received,
}
