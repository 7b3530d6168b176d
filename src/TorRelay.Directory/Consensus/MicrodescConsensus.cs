using System.Collections.Frozen;
using TorRelay.Directory.Netdoc;

namespace TorRelay.Directory.Consensus;

/// <summary>
/// A microdesc-flavoured consensus whose signatures and validity period have been checked
/// (only <see cref="UnverifiedMicrodescConsensus.Verify"/> creates one).
/// </summary>
public sealed class MicrodescConsensus
{
    private readonly FrozenDictionary<string, RouterStatusEntry> _byIdentity;

    internal MicrodescConsensus(ConsensusBody body)
    {
        Body = body;
        _byIdentity = body.Routers
            .GroupBy(r => NetdocFormat.Hex(r.Identity))
            .ToFrozenDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
    }

    internal ConsensusBody Body { get; }

    public string Text => Body.Text;
    public int ConsensusMethod => Body.ConsensusMethod;
    public DateTimeOffset ValidAfter => Body.ValidAfter;
    public DateTimeOffset FreshUntil => Body.FreshUntil;
    public DateTimeOffset ValidUntil => Body.ValidUntil;
    public TimeSpan VoteDelay => Body.VoteDelay;
    public TimeSpan DistDelay => Body.DistDelay;
    public IReadOnlyList<string> KnownFlags => Body.KnownFlags;
    public IReadOnlyDictionary<string, int> Params => Body.Params;
    public IReadOnlyList<string> ClientVersions => Body.ClientVersions;
    public IReadOnlyList<string> ServerVersions => Body.ServerVersions;
    public string? RecommendedClientProtocols => Body.RecommendedClientProtocols;
    public string? RecommendedRelayProtocols => Body.RecommendedRelayProtocols;
    public string? RequiredClientProtocols => Body.RequiredClientProtocols;
    public string? RequiredRelayProtocols => Body.RequiredRelayProtocols;
    public IReadOnlyList<DirSource> DirSources => Body.DirSources;
    public IReadOnlyList<RouterStatusEntry> Routers => Body.Routers;
    public IReadOnlyDictionary<string, int> BandwidthWeights => Body.BandwidthWeights;
    public IReadOnlyList<DirectorySignature> Signatures => Body.Signatures;

    /// <summary>SHA3-256 of the signed portion (the consensus digest used by shared randomness and onion services).</summary>
    public byte[] DigestSha3AsSigned => Body.DigestSha3AsSigned;

    public RouterStatusEntry? FindByIdentity(ReadOnlySpan<byte> identity)
        => identity.Length == 20 ? _byIdentity.GetValueOrDefault(NetdocFormat.Hex(identity)) : null;

    /// <summary>Looks a router up by its identity as written in "r" lines (base64, padding optional).</summary>
    public RouterStatusEntry? FindByIdentityBase64(string identity)
        => NetdocFormat.TryDecodeBase64(identity, 20, out byte[] id) ? FindByIdentity(id) : null;

    public RouterStatusEntry? FindByFingerprint(string hex)
        => NetdocFormat.TryParseHex(hex.Replace(" ", "", StringComparison.Ordinal).TrimStart('$'), 20, out byte[] id)
            ? FindByIdentity(id)
            : null;

    /// <summary>networkstatus_get_param: the named parameter clamped to [min, max], or the default when absent.</summary>
    public int GetParam(string name, int defaultValue, int min = int.MinValue, int max = int.MaxValue)
        => Params.TryGetValue(name, out int v) ? Math.Clamp(v, min, max) : defaultValue;

    public bool IsLiveAt(DateTimeOffset now) => now >= ValidAfter && now <= ValidUntil;
}
