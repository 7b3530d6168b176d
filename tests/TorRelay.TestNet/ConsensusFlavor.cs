namespace TorRelay.TestNet;

public enum ConsensusFlavor
{
    /// <summary>The full ("ns") consensus: /tor/status-vote/current/consensus.</summary>
    Ns,
    /// <summary>/tor/status-vote/current/consensus-microdesc.</summary>
    Microdesc,
}
