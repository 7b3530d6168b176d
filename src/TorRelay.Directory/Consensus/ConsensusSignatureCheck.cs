using TorRelay.Directory.Netdoc;

namespace TorRelay.Directory.Consensus;

/// <summary>
/// networkstatus_check_consensus_signature for a parsed consensus of any flavour (microdesc or ns): more than half of
/// the configured v3 authorities must have signed with a certified, unexpired signing key, and the consensus must be
/// valid now.
/// </summary>
internal static class ConsensusSignatureCheck
{
    public static bool Verify(ConsensusBody body, IReadOnlyList<DirectoryAuthority> authorities,
        IReadOnlyList<AuthorityCertificate> certificates, DateTimeOffset now, TimeSpan tolerance, out string? error)
    {
        error = null;
        if (now + tolerance < body.ValidAfter) error = "consensus is not yet valid";
        else if (now - tolerance > body.ValidUntil) error = "consensus has expired";
        if (error is not null) return false;

        var v3 = authorities.Where(a => a.V3Identity is { Length: 20 })
            .Select(a => NetdocFormat.Hex(a.V3Identity!)).Distinct().ToList();
        if (v3.Count == 0)
        {
            error = "no v3 authorities configured";
            return false;
        }

        int good = v3.Count(ident => HasGoodSignature(body, ident, certificates, now));
        int required = v3.Count / 2 + 1;
        if (good >= required) return true;
        error = $"only {good} good signatures of the {required} needed from {v3.Count} authorities";
        return false;
    }

    private static bool HasGoodSignature(ConsensusBody body, string identityHex,
        IReadOnlyList<AuthorityCertificate> certificates, DateTimeOffset now)
    {
        foreach (DirectorySignature sig in body.Signatures)
        {
            if (NetdocFormat.Hex(sig.Identity) != identityHex) continue;
            byte[]? digest = sig.Algorithm switch
            {
                "sha256" => body.SignedDigestSha256,
                "sha1" => body.SignedDigestSha1,
                _ => null,
            };
            if (digest is null) continue;
            foreach (AuthorityCertificate cert in certificates)
            {
                if (cert.IdentityFingerprint.AsSpan().SequenceEqual(sig.Identity) &&
                    cert.SigningKeyDigest.AsSpan().SequenceEqual(sig.SigningKeyDigest) &&
                    cert.IsValidAt(now) &&
                    SafeCrypto.VerifyRaw(cert.SigningKey, digest, sig.Signature))
                    return true;
            }
        }

        return false;
    }
}
