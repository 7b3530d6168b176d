using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using TorRelay.Cells.Certs;
using TorRelay.Crypto;
using TorRelay.Directory.Netdoc;

namespace TorRelay.Directory.Descriptors;

/// <summary>
/// Builds and signs a relay's server descriptor and extra-info document exactly as C tor 0.4.9 does
/// (router_dump_router_to_string and extrainfo_dump_to_string in src/feature/relay/router.c).
/// </summary>
public static class ServerDescriptorBuilder
{
    /// <summary>Builds both documents; throws <see cref="ArgumentException"/> on inconsistent input.</summary>
    public static BuiltDescriptor Build(DescriptorInput input)
    {
        Validate(input);
        DateTimeOffset published = NetdocFormat.TruncateToSeconds(input.Published);
        byte[] fingerprint = input.IdentityKey.PublicKey.Fingerprint;

        string extraInfo = BuildExtraInfo(input, published, fingerprint);
        if (!SignedRange.TryFind(extraInfo, "extra-info", "\nrouter-signature", '\n', out int es, out int ee))
            throw new InvalidOperationException("extra-info lacks its signed range");
        byte[] eiDigest = DescriptorSigning.Sha1(extraInfo, es, ee);
        byte[] eiDigest256 = DescriptorSigning.Sha256(extraInfo);

        string descriptor = BuildDescriptor(input, published, fingerprint, eiDigest, eiDigest256);
        if (!SignedRange.TryFind(descriptor, "router ", "\nrouter-signature", '\n', out int ds, out int de))
            throw new InvalidOperationException("descriptor lacks its signed range");
        byte[] digest = DescriptorSigning.Sha1(descriptor, ds, de);

        return new BuiltDescriptor(descriptor, extraInfo, digest, eiDigest, eiDigest256, fingerprint);
    }

    private static void Validate(DescriptorInput input)
    {
        if (!NetdocFormat.IsLegalNickname(input.Nickname))
            throw new ArgumentException("nickname must be 1-19 characters of [A-Za-z0-9]", nameof(input));
        if (input.Address.AddressFamily != AddressFamily.InterNetwork)
            throw new ArgumentException("the router address must be IPv4", nameof(input));
        if (input.OrPort is < 1 or > 65535 || input.DirPort is < 0 or > 65535)
            throw new ArgumentException("bad port", nameof(input));
        foreach (var ep in input.OrAddresses)
        {
            if (ep.AddressFamily != AddressFamily.InterNetworkV6)
                throw new ArgumentException("or-address entries must be IPv6", nameof(input));
        }

        if (HasLineBreak(input.Platform) || HasLineBreak(input.Protocols) || HasLineBreak(input.Contact))
            throw new ArgumentException("platform, proto and contact must be single lines", nameof(input));
        if (input.BandwidthAverage is < 1 or > int.MaxValue || input.BandwidthBurst is < 0 or > int.MaxValue ||
            input.BandwidthObserved is < 0 or > int.MaxValue)
            throw new ArgumentException("bandwidth values must fit C tor's int (average > 0)", nameof(input));
        Ed25519Cert cert = input.SigningKeyCert;
        if (cert.CertType != CertType.Ed25519Signing || cert.SignedWithKey is null ||
            !cert.SignedWithKey.Equals(input.MasterKey) ||
            !cert.CertifiedKey.AsSpan().SequenceEqual(input.SigningKey.PublicKey.Bytes))
            throw new ArgumentException("signing-key certificate does not chain master key -> signing key", nameof(input));
        foreach (string line in input.ExitPolicy)
        {
            if (HasLineBreak(line) || !(IsPolicyLine(line, "accept") || IsPolicyLine(line, "reject") ||
                                        IsPolicyLine(line, "accept6") || IsPolicyLine(line, "reject6")))
                throw new ArgumentException($"bad exit policy line '{line}'", nameof(input));
        }

        foreach (string line in input.ExtraInfoLines)
        {
            if (HasLineBreak(line) || line.Length == 0)
                throw new ArgumentException("extra-info lines must be single non-empty lines", nameof(input));
        }
    }

    private static string BuildExtraInfo(DescriptorInput input, DateTimeOffset published, byte[] fingerprint)
    {
        var sb = new StringBuilder();
        sb.Append("extra-info ").Append(input.Nickname).Append(' ').Append(NetdocFormat.Hex(fingerprint)).Append('\n');
        sb.Append("identity-ed25519\n").Append(NetdocFormat.Object("ED25519 CERT", input.SigningKeyCert.Encoded));
        sb.Append("published ").Append(NetdocFormat.FormatTime(published)).Append('\n');
        foreach (string line in input.ExtraInfoLines) sb.Append(NetdocFormat.ToWireText(line)).Append('\n');
        AppendEd25519Signature(sb, input.SigningKey);
        AppendRsaSignature(sb, input.IdentityKey, "extra-info");
        return sb.ToString();
    }

    private static string BuildDescriptor(DescriptorInput input, DateTimeOffset published, byte[] fingerprint,
        byte[] eiDigest, byte[] eiDigest256)
    {
        var sb = new StringBuilder(4096);
        sb.Append("router ").Append(input.Nickname).Append(' ').Append(input.Address).Append(' ')
            .Append(input.OrPort).Append(" 0 ").Append(input.DirPort).Append('\n');
        sb.Append("identity-ed25519\n").Append(NetdocFormat.Object("ED25519 CERT", input.SigningKeyCert.Encoded));
        sb.Append("master-key-ed25519 ").Append(input.MasterKey.ToBase64()).Append('\n');
        foreach (var ep in input.OrAddresses)
            sb.Append("or-address [").Append(ep.Address).Append("]:").Append(ep.Port).Append('\n');
        sb.Append("platform ").Append(NetdocFormat.ToWireText(input.Platform)).Append('\n');
        sb.Append("proto ").Append(input.Protocols).Append('\n');
        sb.Append("published ").Append(NetdocFormat.FormatTime(published)).Append('\n');
        sb.Append("fingerprint ").Append(NetdocFormat.FingerprintWithSpaces(fingerprint)).Append('\n');
        sb.Append("uptime ").Append(input.UptimeSeconds).Append('\n');
        sb.Append("bandwidth ").Append(input.BandwidthAverage).Append(' ').Append(input.BandwidthBurst).Append(' ')
            .Append(input.BandwidthObserved).Append('\n');
        sb.Append("extra-info-digest ").Append(NetdocFormat.Hex(eiDigest)).Append(' ')
            .Append(NetdocFormat.Base64NoPad(eiDigest256)).Append('\n');
        sb.Append("onion-key\n").Append(NetdocFormat.RsaPublicKeyPem(input.OnionKey.PublicKey));
        sb.Append("signing-key\n").Append(NetdocFormat.RsaPublicKeyPem(input.IdentityKey.PublicKey));
        sb.Append("onion-key-crosscert\n").Append(NetdocFormat.Object("CROSSCERT", TapCrossCert(input, fingerprint)));
        (byte[] ntorCc, int signBit) = NtorCrossCert(input, published);
        sb.Append("ntor-onion-key-crosscert ").Append(signBit).Append('\n')
            .Append(NetdocFormat.Object("ED25519 CERT", ntorCc));
        IReadOnlyList<string> family = FamilyFormatter.Canonicalize(input.Family, fingerprint);
        if (family.Count > 0) sb.Append("family ").Append(string.Join(' ', family)).Append('\n');
        if (input.Hibernating) sb.Append("hibernating 1\n");
        if (input.HiddenServiceDir) sb.Append("hidden-service-dir\n");
        if (!string.IsNullOrEmpty(input.Contact))
            sb.Append("contact ").Append(NetdocFormat.ToWireText(input.Contact)).Append('\n');
        if (input.BridgeDistribution is { Length: > 0 } bd)
            sb.Append("bridge-distribution-request ").Append(bd.ToLowerInvariant()).Append('\n');
        sb.Append("ntor-onion-key ").Append(NetdocFormat.Base64NoPad(input.NtorOnionKey.PublicKey)).Append('\n');
        AppendExitPolicy(sb, input.ExitPolicy);
        if (input.Ipv6PolicySummary is { } p6 && p6 != "reject 1-65535")
            sb.Append("ipv6-policy ").Append(p6).Append('\n');
        if (input.TunnelledDirServer) sb.Append("tunnelled-dir-server\n");
        AppendEd25519Signature(sb, input.SigningKey);
        AppendRsaSignature(sb, input.IdentityKey, "router ");
        // C tor appends one more "\n" after the signature block.
        sb.Append('\n');
        return sb.ToString();
    }

    /// <summary>make_tap_onion_key_crosscert: the TAP key signs SHA-1(identity DER) | master ed25519 key.</summary>
    private static byte[] TapCrossCert(DescriptorInput input, byte[] fingerprint)
    {
        var signedData = new byte[20 + 32];
        fingerprint.CopyTo(signedData, 0);
        input.MasterKey.Bytes.CopyTo(signedData, 20);
        return input.OnionKey.SignRaw(signedData);
    }

    /// <summary>
    /// make_ntor_onion_key_crosscert: a type-10 certificate of the master key, signed by the ntor key converted to
    /// ed25519, expiring CEIL((published + lifetime) / 1h); no signed-with-key extension.
    /// </summary>
    private static (byte[] Cert, int SignBit) NtorCrossCert(DescriptorInput input, DateTimeOffset published)
    {
        (Ed25519KeyPair edOnion, int signBit) = Ed25519KeyPair.FromCurve25519(input.NtorOnionKey);
        using (edOnion)
        {
            long expirySeconds = published.ToUnixTimeSeconds() + (long)input.OnionKeyLifetime.TotalSeconds;
            long hours = (expirySeconds + 3599) / 3600;
            Ed25519Cert cert = Ed25519Cert.Create(CertType.NtorOnionKeyCross, CertKeyType.Ed25519, input.MasterKey.Bytes,
                DateTimeOffset.FromUnixTimeSeconds(hours * 3600), edOnion, includeSignedWithKey: false);
            return (cert.Encoded, signBit);
        }
    }

    /// <summary>router_dump_exit_policy_to_string(router, 1, 0): IPv4 lines only; a reject-all policy is "reject *:*".</summary>
    private static void AppendExitPolicy(StringBuilder sb, IReadOnlyList<string> lines)
    {
        var v4 = lines.Where(l => IsPolicyLine(l, "accept") || IsPolicyLine(l, "reject")).ToList();
        if (IsRejectStar(v4))
        {
            sb.Append("reject *:*\n");
            return;
        }

        foreach (string line in v4) sb.Append(line.Trim()).Append('\n');
    }

    /// <summary>policy_is_reject_star for IPv4 with a default reject: no accept before a reject of everything.</summary>
    private static bool IsRejectStar(List<string> lines)
    {
        foreach (string line in lines)
        {
            if (IsPolicyLine(line, "accept")) return false;
            string target = line.Trim()[7..].Trim();
            if (target is "*:*" or "*4:*" or "0.0.0.0/0:*" or "*:1-65535" or "*4:1-65535" or "0.0.0.0/0:1-65535")
                return true;
        }

        return true;
    }

    private static bool IsPolicyLine(string line, string keyword)
    {
        string t = line.Trim();
        return t.Length > keyword.Length + 1 && t.StartsWith(keyword, StringComparison.Ordinal) &&
               t[keyword.Length] == ' ';
    }

    private static void AppendEd25519Signature(StringBuilder sb, Ed25519KeyPair signingKey)
    {
        sb.Append("router-sig-ed25519 ");
        string text = sb.ToString();
        byte[] digest = DescriptorSigning.Ed25519Digest(text, 0, text.Length);
        sb.Append(NetdocFormat.Base64NoPad(signingKey.Sign(digest))).Append('\n');
    }

    private static void AppendRsaSignature(StringBuilder sb, RsaPrivateKey identity, string startKeyword)
    {
        sb.Append("router-signature\n");
        string text = sb.ToString();
        if (!SignedRange.TryFind(text, startKeyword, "\nrouter-signature", '\n', out int s, out int e))
            throw new InvalidOperationException("no signed range");
        byte[] digest = DescriptorSigning.Sha1(text, s, e);
        sb.Append(NetdocFormat.Object("SIGNATURE", identity.SignRaw(digest)));
    }

    private static bool HasLineBreak(string? s) => s is not null && (s.Contains('\n') || s.Contains('\r'));
}
