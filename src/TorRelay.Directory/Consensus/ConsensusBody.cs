namespace TorRelay.Directory.Consensus;

/// <summary>The parsed contents of a consensus, shared by its unverified and verified forms.</summary>
internal sealed class ConsensusBody
{
    public required string Text { get; init; }
    public required string Flavor { get; init; }
    public required int ConsensusMethod { get; init; }
    public required DateTimeOffset ValidAfter { get; init; }
    public required DateTimeOffset FreshUntil { get; init; }
    public required DateTimeOffset ValidUntil { get; init; }
    public required TimeSpan VoteDelay { get; init; }
    public required TimeSpan DistDelay { get; init; }
    public required IReadOnlyList<string> KnownFlags { get; init; }
    public required IReadOnlyDictionary<string, int> Params { get; init; }
    public required IReadOnlyList<string> ClientVersions { get; init; }
    public required IReadOnlyList<string> ServerVersions { get; init; }
    public string? RecommendedClientProtocols { get; init; }
    public string? RecommendedRelayProtocols { get; init; }
    public string? RequiredClientProtocols { get; init; }
    public string? RequiredRelayProtocols { get; init; }
    public required IReadOnlyList<DirSource> DirSources { get; init; }
    public required IReadOnlyList<RouterStatusEntry> Routers { get; init; }
    public required IReadOnlyDictionary<string, int> BandwidthWeights { get; init; }
    public required IReadOnlyList<DirectorySignature> Signatures { get; init; }
    public required byte[] SignedDigestSha1 { get; init; }
    public required byte[] SignedDigestSha256 { get; init; }
    public required byte[] DigestSha3AsSigned { get; init; }
}
