namespace TorRelay.Directory.Policy;

/// <summary>What a policy rule does with what it matches (addr_policy_action_t).</summary>
public enum PolicyAction
{
    Accept,
    Reject,
}
