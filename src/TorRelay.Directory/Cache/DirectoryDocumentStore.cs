using System.Collections.Immutable;
using TorRelay.Directory.Consensus;
using TorRelay.Directory.Descriptors;
using TorRelay.Directory.Netdoc;

namespace TorRelay.Directory.Cache;

/// <summary>
/// The directory cache's documents, published as immutable <see cref="DirectoryCacheSnapshot"/>s (readers never lock).
/// Memory is bounded by the consensuses: a microdescriptor or server descriptor is admitted only if the current
/// consensus of its flavour lists its digest (which is also its integrity check), and a new consensus prunes whatever
/// neither it nor the one it replaces lists.
/// </summary>
public sealed class DirectoryDocumentStore
{
    /// <summary>More certificates than this are never kept (a handful of authorities, a few keys each).</summary>
    public const int MaxCertificates = 64;

    private readonly Lock _write = new();
    private volatile DirectoryCacheSnapshot _current = DirectoryCacheSnapshot.Empty;

    public DirectoryCacheSnapshot Current => _current;

    /// <summary>
    /// Installs a verified consensus unless we already hold one of its flavour that is as new; returns whether it
    /// was installed. Documents listed by neither the new nor the replaced consensus are dropped.
    /// </summary>
    public bool SetConsensus(CachedConsensus consensus)
    {
        ArgumentNullException.ThrowIfNull(consensus);
        lock (_write)
        {
            DirectoryCacheSnapshot s = _current;
            bool micro = consensus.Flavor == "microdesc";
            CachedConsensus? old = micro ? s.MicrodescConsensus : s.NsConsensus;
            if (old is not null && old.ValidAfter >= consensus.ValidAfter) return false;
            if (micro)
            {
                var keep = MicrodescKeys(consensus).Concat(old is null ? [] : MicrodescKeys(old)).ToHashSet();
                _current = With(s, microdesc: consensus,
                    microdescriptors: s.Microdescriptors.RemoveRange(s.Microdescriptors.Keys.Where(k => !keep.Contains(k))));
            }
            else
            {
                var keep = DescriptorKeys(consensus).Concat(old is null ? [] : DescriptorKeys(old)).ToHashSet();
                var routers = ImmutableDictionary.CreateRange(StringComparer.Ordinal,
                    consensus.Routers.DistinctBy(r => NetdocFormat.Hex(r.Identity))
                        .Select(r => KeyValuePair.Create(NetdocFormat.Hex(r.Identity), r)));
                _current = With(s, ns: consensus, nsRouters: routers,
                    descriptors: s.ServerDescriptors.RemoveRange(s.ServerDescriptors.Keys.Where(k => !keep.Contains(k))));
            }

            return true;
        }
    }

    /// <summary>Stores those microdescriptors the current microdesc consensus lists; returns how many were new.</summary>
    public int AddMicrodescriptors(IEnumerable<CachedMicrodescriptor> microdescriptors)
    {
        lock (_write)
        {
            DirectoryCacheSnapshot s = _current;
            if (s.MicrodescConsensus is null) return 0;
            int added = AddListed(s.Microdescriptors, MicrodescKeys(s.MicrodescConsensus), microdescriptors,
                md => md.DigestBase64, out var updated);
            if (added > 0) _current = With(s, microdescriptors: updated);
            return added;
        }
    }

    /// <summary>Stores those server descriptors the current ns consensus lists; returns how many were new.</summary>
    public int AddServerDescriptors(IEnumerable<CachedServerDescriptor> descriptors)
    {
        lock (_write)
        {
            DirectoryCacheSnapshot s = _current;
            if (s.NsConsensus is null) return 0;
            int added = AddListed(s.ServerDescriptors, DescriptorKeys(s.NsConsensus), descriptors, d => d.DigestHex, out var updated);
            if (added > 0) _current = With(s, descriptors: updated);
            return added;
        }
    }

    /// <summary>Adds the documents whose key the consensus lists and that are not stored yet; returns how many.</summary>
    private static int AddListed<T>(ImmutableDictionary<string, T> stored, IEnumerable<string> listedKeys, IEnumerable<T> documents,
        Func<T, string> key, out ImmutableDictionary<string, T> updated)
    {
        var listed = listedKeys.ToHashSet();
        var builder = stored.ToBuilder();
        int added = 0;
        foreach (T document in documents)
        {
            string k = key(document);
            if (listed.Contains(k) && builder.TryAdd(k, document)) added++;
        }
        updated = builder.ToImmutable();
        return added;
    }

    /// <summary>Replaces the authority key certificates (the caller keeps only trusted authorities' ones).</summary>
    public void SetCertificates(IEnumerable<AuthorityCertificate> certificates)
    {
        lock (_write)
        {
            var list = certificates.DistinctBy(c => NetdocFormat.Hex(c.SigningKeyDigest)).Take(MaxCertificates);
            _current = With(_current, certificates: [.. list]);
        }
    }

    /// <summary>Our own server descriptor, served at /tor/server/authority; false if it is not one descriptor.</summary>
    public bool SetOwnServerDescriptor(string descriptor)
    {
        if (!CachedServerDescriptor.TryCreate(descriptor, out CachedServerDescriptor? d)) return false;
        byte[]? fingerprint = UnverifiedServerDescriptor.TryParse(descriptor, out var parsed, out _)
            ? parsed!.ClaimedFingerprint
            : null;
        lock (_write)
        {
            _current = With(_current, own: d, ownFingerprint: fingerprint);
        }

        return true;
    }

    private static IEnumerable<string> MicrodescKeys(CachedConsensus c)
        => c.Routers.Where(r => r.MicrodescriptorDigest.Length == 32)
            .Select(r => NetdocFormat.Base64NoPad(r.MicrodescriptorDigest));

    private static IEnumerable<string> DescriptorKeys(CachedConsensus c)
        => c.Routers.Where(r => r.DescriptorDigest is { Length: 20 }).Select(r => NetdocFormat.Hex(r.DescriptorDigest!));

    private static DirectoryCacheSnapshot With(DirectoryCacheSnapshot s, CachedConsensus? ns = null,
        CachedConsensus? microdesc = null, ImmutableDictionary<string, RouterStatusEntry>? nsRouters = null,
        ImmutableDictionary<string, CachedMicrodescriptor>? microdescriptors = null,
        ImmutableDictionary<string, CachedServerDescriptor>? descriptors = null,
        ImmutableArray<AuthorityCertificate>? certificates = null, CachedServerDescriptor? own = null,
        byte[]? ownFingerprint = null)
        => new()
        {
            NsConsensus = ns ?? s.NsConsensus,
            MicrodescConsensus = microdesc ?? s.MicrodescConsensus,
            NsRouters = nsRouters ?? s.NsRouters,
            Microdescriptors = microdescriptors ?? s.Microdescriptors,
            ServerDescriptors = descriptors ?? s.ServerDescriptors,
            Certificates = certificates ?? s.Certificates,
            OwnDescriptor = own ?? s.OwnDescriptor,
            OwnFingerprint = own is null ? s.OwnFingerprint : ownFingerprint,
        };
}
