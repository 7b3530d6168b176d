using System.IO.Compression;
using TorRelay.Directory.Consensus;
using TorRelay.Directory.Netdoc;

namespace TorRelay.Directory.Cache;

/// <summary>
/// A verified consensus as the cache serves it: its exact wire bytes, validity times, SHA3-256 digest-as-signed (what
/// X-Or-Diff-From-Consensus names) and signatories. The deflated form is made once, on first request: C tor serves
/// consensuses precompressed, and of the methods we have it precompresses with zlib only (compress_consensus_with).
/// </summary>
public sealed class CachedConsensus
{
    private readonly Lazy<byte[]> _deflated;

    private CachedConsensus(ConsensusBody body)
    {
        Flavor = body.Flavor;
        Bytes = NetdocFormat.WireBytes(body.Text);
        ValidAfter = body.ValidAfter;
        FreshUntil = body.FreshUntil;
        ValidUntil = body.ValidUntil;
        DigestSha3AsSigned = body.DigestSha3AsSigned;
        Signatories = body.Signatures.Select(s => NetdocFormat.Hex(s.Identity)).Distinct().ToArray();
        Routers = body.Routers;
        _deflated = new(() => DirCompressions.Compress(Bytes, DirCompression.Deflate, CompressionLevel.Optimal));
    }

    /// <summary>"ns" or "microdesc".</summary>
    public string Flavor { get; }

    public byte[] Bytes { get; }
    public DateTimeOffset ValidAfter { get; }
    public DateTimeOffset FreshUntil { get; }
    public DateTimeOffset ValidUntil { get; }
    public byte[] DigestSha3AsSigned { get; }

    /// <summary>Hex identity digests of the authorities whose signatures it carries (consensus-signatories).</summary>
    public IReadOnlyList<string> Signatories { get; }

    public IReadOnlyList<RouterStatusEntry> Routers { get; }

    public static CachedConsensus From(MicrodescConsensus consensus) => new(consensus.Body);

    public static CachedConsensus From(NsConsensus consensus) => new(consensus.Body);

    /// <summary>The identity bytes, or the zlib-compressed ones for any other method.</summary>
    public byte[] Encoded(DirCompression method) => method == DirCompression.None ? Bytes : _deflated.Value;
}
