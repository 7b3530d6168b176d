using System.Collections.Immutable;
using TorRelay.Directory.Consensus;
using TorRelay.Directory.Netdoc;

namespace TorRelay.Directory.Cache;

/// <summary>
/// An immutable view of everything the directory cache holds at one moment. Readers take
/// <see cref="DirectoryDocumentStore.Current"/> once per request and never see a half-applied update.
/// </summary>
public sealed class DirectoryCacheSnapshot
{
    public static DirectoryCacheSnapshot Empty { get; } = new();

    public CachedConsensus? NsConsensus { get; init; }
    public CachedConsensus? MicrodescConsensus { get; init; }

    /// <summary>Authority key certificates, as /tor/keys/ serves them.</summary>
    public ImmutableArray<AuthorityCertificate> Certificates { get; init; } = [];

    /// <summary>Our own server descriptor (/tor/server/authority), with its identity when it parsed.</summary>
    public CachedServerDescriptor? OwnDescriptor { get; init; }

    public byte[]? OwnFingerprint { get; init; }

    /// <summary>Keyed by unpadded base64 SHA-256 digest.</summary>
    internal ImmutableDictionary<string, CachedMicrodescriptor> Microdescriptors { get; init; } =
        ImmutableDictionary.Create<string, CachedMicrodescriptor>(StringComparer.Ordinal);

    /// <summary>Keyed by uppercase hex SHA-1 descriptor digest.</summary>
    internal ImmutableDictionary<string, CachedServerDescriptor> ServerDescriptors { get; init; } =
        ImmutableDictionary.Create<string, CachedServerDescriptor>(StringComparer.Ordinal);

    /// <summary>The ns consensus entries by uppercase hex identity, to find descriptors by fingerprint.</summary>
    internal ImmutableDictionary<string, RouterStatusEntry> NsRouters { get; init; } =
        ImmutableDictionary.Create<string, RouterStatusEntry>(StringComparer.Ordinal);

    public int MicrodescriptorCount => Microdescriptors.Count;
    public int ServerDescriptorCount => ServerDescriptors.Count;

    public CachedConsensus? GetConsensus(string flavor) => flavor == "microdesc" ? MicrodescConsensus : NsConsensus;

    public CachedMicrodescriptor? FindMicrodescriptor(ReadOnlySpan<byte> digest)
        => digest.Length == 32 ? Microdescriptors.GetValueOrDefault(NetdocFormat.Base64NoPad(digest)) : null;

    public CachedServerDescriptor? FindServerDescriptor(ReadOnlySpan<byte> digest)
    {
        if (digest.Length != 20) return null;
        string hex = NetdocFormat.Hex(digest);
        if (ServerDescriptors.TryGetValue(hex, out var d)) return d;
        return OwnDescriptor is { } own && own.DigestHex == hex ? own : null;
    }

    /// <summary>
    /// The descriptor the ns consensus lists for an identity, or our own; <paramref name="published"/> is its
    /// publication time (for C tor's ROUTER_MAX_AGE_TO_PUBLISH cutoff), DateTimeOffset.MaxValue for our own.
    /// </summary>
    public CachedServerDescriptor? FindServerDescriptorByFingerprint(ReadOnlySpan<byte> fingerprint,
        out DateTimeOffset published)
    {
        published = default;
        if (fingerprint.Length != 20) return null;
        if (NsRouters.TryGetValue(NetdocFormat.Hex(fingerprint), out RouterStatusEntry? rs) &&
            rs.DescriptorDigest is { } digest &&
            ServerDescriptors.TryGetValue(NetdocFormat.Hex(digest), out CachedServerDescriptor? d))
        {
            published = rs.Published;
            return d;
        }

        if (OwnDescriptor is not null && OwnFingerprint is not null && fingerprint.SequenceEqual(OwnFingerprint))
        {
            published = DateTimeOffset.MaxValue;
            return OwnDescriptor;
        }

        return null;
    }

    /// <summary>Every stored descriptor of a router the ns consensus lists, in consensus order.</summary>
    public IEnumerable<(CachedServerDescriptor Descriptor, DateTimeOffset Published)> AllServerDescriptors()
    {
        if (NsConsensus is null) yield break;
        foreach (RouterStatusEntry rs in NsConsensus.Routers)
        {
            if (rs.DescriptorDigest is { } digest &&
                ServerDescriptors.TryGetValue(NetdocFormat.Hex(digest), out CachedServerDescriptor? d))
                yield return (d, rs.Published);
        }
    }

    /// <summary>Microdescriptor digests the microdesc consensus lists that we lack.</summary>
    public IReadOnlyList<byte[]> MissingMicrodescriptors()
        => MicrodescConsensus is null
            ? []
            : MicrodescConsensus.Routers.Select(r => r.MicrodescriptorDigest)
                .Where(d => d.Length == 32 && !Microdescriptors.ContainsKey(NetdocFormat.Base64NoPad(d)))
                .DistinctBy(d => NetdocFormat.Hex(d)).ToList();

    /// <summary>Server descriptor digests the ns consensus lists that we lack.</summary>
    public IReadOnlyList<byte[]> MissingServerDescriptors()
        => NsConsensus is null
            ? []
            : NsConsensus.Routers.Select(r => r.DescriptorDigest)
                .Where(d => d is { Length: 20 } && !ServerDescriptors.ContainsKey(NetdocFormat.Hex(d)))
                .Select(d => d!).DistinctBy(d => NetdocFormat.Hex(d)).ToList();
}
