using TorRelay.Directory.Consensus;

namespace TorRelay.Directory.Cache;

/// <summary>
/// A verified ns-flavoured consensus (only <see cref="UnverifiedNsConsensus.Verify"/> creates one). Its router entries
/// carry <see cref="RouterStatusEntry.DescriptorDigest"/> and no microdescriptor digest.
/// </summary>
public sealed class NsConsensus
{
    internal NsConsensus(ConsensusBody body) => Body = body;

    internal ConsensusBody Body { get; }

    public string Text => Body.Text;
    public DateTimeOffset ValidAfter => Body.ValidAfter;
    public DateTimeOffset FreshUntil => Body.FreshUntil;
    public DateTimeOffset ValidUntil => Body.ValidUntil;
    public IReadOnlyList<RouterStatusEntry> Routers => Body.Routers;
    public IReadOnlyList<DirectorySignature> Signatures => Body.Signatures;
    public byte[] DigestSha3AsSigned => Body.DigestSha3AsSigned;
}
