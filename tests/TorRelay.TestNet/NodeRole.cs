namespace TorRelay.TestNet;

/// <summary>What a node does in the private network.</summary>
public enum NodeRole
{
    Authority,
    Relay,
    Exit,
    Client,
    /// <summary>A second instance of our relay with BridgeRelay 1 (not published; reached through a Bridge line).</summary>
    OurBridge,
    /// <summary>A C tor client with UseBridges 1 whose only bridge is our bridge (or our relay, without one).</summary>
    BridgeClient,
    /// <summary>Our C# relay (or, for harness development, a C tor relay standing in for it).</summary>
    OurRelay,
}
