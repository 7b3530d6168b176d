using TorRelay.Directory.Netdoc;

namespace TorRelay.Directory.Consensus;

/// <summary>
/// A parsed microdesc consensus that nobody has checked yet. Its only exit is <see cref="Verify"/>: more than half of
/// the configured v3 authorities must have signed it with a certified, unexpired signing key, and it must be valid
/// at the given time (C tor's networkstatus_check_consensus_signature).
/// </summary>
public sealed class UnverifiedMicrodescConsensus
{
    private readonly ConsensusBody _body;

    private UnverifiedMicrodescConsensus(ConsensusBody body) => _body = body;

    public DateTimeOffset ValidAfter => _body.ValidAfter;
    public DateTimeOffset ValidUntil => _body.ValidUntil;

    /// <summary>Who claims to have signed, so missing certificates can be fetched (/tor/keys/fp-sk/…).</summary>
    public IReadOnlyList<DirectorySignature> Signatures => _body.Signatures;

    public static bool TryParse(string text, out UnverifiedMicrodescConsensus? consensus, out string? error)
    {
        consensus = null;
        try
        {
            if (!ConsensusParser.TryParse(text, out ConsensusBody? body, out error)) return false;
            consensus = new UnverifiedMicrodescConsensus(body!);
            return true;
        }
        catch (Exception e) when (e is not NotImplementedException)
        {
            error = "malformed consensus: " + e.GetType().Name;
            return false;
        }
    }

    /// <param name="authorities">The trusted authorities; those without a v3 identity do not count.</param>
    /// <param name="certificates">Authority key certificates (already self-verified by parsing).</param>
    /// <param name="now">The current time.</param>
    /// <param name="tolerance">Clock-skew allowance around valid-after and valid-until.</param>
    public bool Verify(IReadOnlyList<DirectoryAuthority> authorities, IReadOnlyList<AuthorityCertificate> certificates,
        DateTimeOffset now, out MicrodescConsensus? consensus, out string? error, TimeSpan tolerance = default)
    {
        consensus = ConsensusSignatureCheck.Verify(_body, authorities, certificates, now, tolerance, out error)
            ? new MicrodescConsensus(_body)
            : null;
        return consensus is not null;
    }
}
