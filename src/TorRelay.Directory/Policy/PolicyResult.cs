namespace TorRelay.Directory.Policy;

/// <summary>
/// The outcome of checking an address and port against a policy (addr_policy_result_t). The "probably" results
/// come only where part of the target is unknown (a hostname not yet resolved) or from a policy summary.
/// </summary>
public enum PolicyResult
{
    Accepted,
    Rejected,
    ProbablyAccepted,
    ProbablyRejected,
}
