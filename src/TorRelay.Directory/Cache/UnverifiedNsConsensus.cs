using TorRelay.Directory.Consensus;

namespace TorRelay.Directory.Cache;

/// <summary>
/// A parsed ns-flavoured ("full") consensus nobody has checked yet; its only exit is <see cref="Verify"/>, which applies
/// the same signature rule as the microdesc flavour.
/// </summary>
public sealed class UnverifiedNsConsensus
{
    private readonly ConsensusBody _body;

    private UnverifiedNsConsensus(ConsensusBody body) => _body = body;

    public DateTimeOffset ValidAfter => _body.ValidAfter;
    public IReadOnlyList<DirectorySignature> Signatures => _body.Signatures;

    public static bool TryParse(string text, out UnverifiedNsConsensus? consensus, out string? error)
    {
        consensus = null;
        try
        {
            if (!ConsensusParser.TryParse(text, "ns", out ConsensusBody? body, out error)) return false;
            consensus = new UnverifiedNsConsensus(body!);
            return true;
        }
        catch (Exception e) when (e is not NotImplementedException)
        {
            error = "malformed consensus: " + e.GetType().Name;
            return false;
        }
    }

    public bool Verify(IReadOnlyList<DirectoryAuthority> authorities, IReadOnlyList<AuthorityCertificate> certificates,
        DateTimeOffset now, out NsConsensus? consensus, out string? error, TimeSpan tolerance = default)
    {
        consensus = ConsensusSignatureCheck.Verify(_body, authorities, certificates, now, tolerance, out error)
            ? new NsConsensus(_body)
            : null;
        return consensus is not null;
    }
}
