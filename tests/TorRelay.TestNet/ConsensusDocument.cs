namespace TorRelay.TestNet;

/// <summary>A consensus reduced to its router statuses (<c>r</c> and <c>s</c> lines) and validity times.</summary>
public sealed record ConsensusDocument(ConsensusFlavor Flavor, DateTime ValidAfter, DateTime ValidUntil,
    IReadOnlyList<ConsensusEntry> Entries, string Text)
{
    public ConsensusEntry? FindByNickname(string nickname) =>
        Entries.FirstOrDefault(e => string.Equals(e.Nickname, nickname, StringComparison.OrdinalIgnoreCase));

    public ConsensusEntry? FindByFingerprint(string fingerprint) =>
        Entries.FirstOrDefault(e => string.Equals(e.Fingerprint, fingerprint, StringComparison.OrdinalIgnoreCase));
}
