namespace TorRelay.TestNet;

/// <summary>One router status of a consensus, as far as the harness needs it.</summary>
public sealed record ConsensusEntry(string Nickname, string Fingerprint, string Address, int OrPort,
    IReadOnlySet<string> Flags)
{
    public bool HasFlags(IEnumerable<string> required) => required.All(Flags.Contains);

    public override string ToString() => $"{Nickname} ${Fingerprint} {Address}:{OrPort} [{string.Join(' ', Flags.Order())}]";
}
