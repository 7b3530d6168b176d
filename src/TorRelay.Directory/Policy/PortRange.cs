namespace TorRelay.Directory.Policy;

/// <summary>An inclusive port range of a policy summary (short_policy_entry_t).</summary>
public readonly record struct PortRange(ushort Min, ushort Max)
{
    public bool Contains(ushort port) => Min <= port && port <= Max;

    /// <summary>"80" or "80-443", as summaries write ranges.</summary>
    public override string ToString() => Min == Max ? $"{Min}" : $"{Min}-{Max}";
}
