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
        consensus = null;
        if (now + tolerance < _body.ValidAfter) return Fail("consensus is not yet valid", out error);
        if (now - tolerance > _body.ValidUntil) return Fail("consensus has expired", out error);

        var v3 = authorities.Where(a => a.V3Identity is { Length: 20 })
            .Select(a => NetdocFormat.Hex(a.V3Identity!)).Distinct().ToList();
        if (v3.Count == 0) return Fail("no v3 authorities configured", out error);

        int good = 0;
        foreach (string ident in v3)
        {
            if (HasGoodSignature(ident, certificates, now)) good++;
        }

        int required = v3.Count / 2 + 1;
        if (good < required)
            return Fail($"only {good} good signatures of the {required} needed from {v3.Count} authorities", out error);
        consensus = new MicrodescConsensus(_body);
        error = null;
        return true;
    }

    private bool HasGoodSignature(string identityHex, IReadOnlyList<AuthorityCertificate> certificates,
        DateTimeOffset now)
    {
        foreach (DirectorySignature sig in _body.Signatures)
        {
            if (NetdocFormat.Hex(sig.Identity) != identityHex) continue;
            byte[]? digest = sig.Algorithm switch
            {
                "sha256" => _body.SignedDigestSha256,
                "sha1" => _body.SignedDigestSha1,
                _ => null,
            };
            if (digest is null) continue;
            foreach (AuthorityCertificate cert in certificates)
            {
                if (!cert.IdentityFingerprint.AsSpan().SequenceEqual(sig.Identity) ||
                    !cert.SigningKeyDigest.AsSpan().SequenceEqual(sig.SigningKeyDigest) ||
                    !cert.IsValidAt(now))
                    continue;
                if (SafeCrypto.VerifyRaw(cert.SigningKey, digest, sig.Signature)) return true;
            }
        }

        return false;
    }

    private static bool Fail(string message, out string? error)
    {
        error = message;
        return false;
    }
}
