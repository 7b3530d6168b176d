using System.Globalization;
using System.Net;
using System.Net.Sockets;
using TorRelay.Cells.Certs;
using TorRelay.Crypto;
using TorRelay.Directory.Netdoc;

namespace TorRelay.Directory.Descriptors;

/// <summary>
/// A parsed but unchecked server descriptor. Its only exit is <see cref="TryVerify"/>, which checks what C tor's
/// router_parse_entry_from_string checks: the ed25519 certificate chain and signature, both onion-key crosscerts, the
/// fingerprint, and the RSA router-signature.
/// </summary>
public sealed class UnverifiedServerDescriptor
{
    private static readonly NetdocRule[] Rules =
    [
        NetdocRule.Once("router", 5),
        NetdocRule.Once("signing-key", 0, ObjectRule.Required),
        NetdocRule.Once("onion-key", 0, ObjectRule.Required),
        NetdocRule.Once("ntor-onion-key", 1),
        NetdocRule.Once("router-signature", 0, ObjectRule.Required),
        NetdocRule.Once("published", 2),
        NetdocRule.AtMostOnce("uptime", 1),
        NetdocRule.AtMostOnce("fingerprint", 1),
        NetdocRule.AtMostOnce("hibernating", 1),
        NetdocRule.AtMostOnce("platform"),
        NetdocRule.Once("proto"),
        NetdocRule.AtMostOnce("contact"),
        NetdocRule.AtMostOnce("extra-info-digest", 1),
        NetdocRule.AtMostOnce("hidden-service-dir"),
        NetdocRule.Once("identity-ed25519", 0, ObjectRule.Required),
        NetdocRule.Once("master-key-ed25519", 1),
        NetdocRule.Once("router-sig-ed25519", 1),
        NetdocRule.Once("onion-key-crosscert", 0, ObjectRule.Required),
        NetdocRule.Once("ntor-onion-key-crosscert", 1, ObjectRule.Required),
        NetdocRule.AtMostOnce("family"),
        NetdocRule.AtMostOnce("caches-extra-info"),
        NetdocRule.AtMostOnce("ipv6-policy"),
        NetdocRule.AtMostOnce("tunnelled-dir-server"),
        NetdocRule.Once("bandwidth", 3),
        NetdocRule.Any("or-address", 1),
        NetdocRule.Any("accept", 1),
        NetdocRule.Any("reject", 1),
    ];

    private readonly ServerDescriptor _descriptor;
    private readonly byte[] _ed25519Signature;
    private readonly byte[] _ed25519SignedDigest;
    private readonly Ed25519Cert _ntorCrossCert;
    private readonly int _ntorSignBit;
    private readonly byte[] _tapCrossCert;
    private readonly byte[] _rsaSignature;

    private UnverifiedServerDescriptor(ServerDescriptor descriptor, byte[] edSig, byte[] edDigest, Ed25519Cert ntorCc,
        int ntorSignBit, byte[] tapCc, byte[] rsaSig)
    {
        _descriptor = descriptor;
        _ed25519Signature = edSig;
        _ed25519SignedDigest = edDigest;
        _ntorCrossCert = ntorCc;
        _ntorSignBit = ntorSignBit;
        _tapCrossCert = tapCc;
        _rsaSignature = rsaSig;
    }

    /// <summary>The claimed identity fingerprint (unverified until <see cref="TryVerify"/>).</summary>
    public byte[] ClaimedFingerprint => _descriptor.Fingerprint;

    public static bool TryParse(string text, out UnverifiedServerDescriptor? result, out string? error)
    {
        result = null;
        try
        {
            return TryParseCore(text, out result, out error);
        }
        catch (Exception e) when (e is not NotImplementedException)
        {
            // Defence in depth: a decoder of network input never throws.
            error = "malformed descriptor: " + e.GetType().Name;
            return false;
        }
    }

    private static bool TryParseCore(string text, out UnverifiedServerDescriptor? result, out string? error)
    {
        result = null;
        if (text is null || !text.StartsWith("router ", StringComparison.Ordinal))
            return Fail("descriptor does not start with 'router '", out error);
        int end = text.Length;
        while (end > 2 && text[end - 1] == '\n' && text[end - 2] == '\n') end--;
        text = text[..end];
        if (!text.Contains("\nproto ", StringComparison.Ordinal)) return Fail("no proto line", out error);
        if (!SignedRange.TryFind(text, "router ", "\nrouter-signature", '\n', out int rs, out int re))
            return Fail("no RSA-signed range", out error);
        if (!SignedRange.TryFind(text, "router ", "\nrouter-sig-ed25519", ' ', out int es, out int ee))
            return Fail("no ed25519-signed range", out error);
        if (!NetdocTokenizer.TryTokenize(text, out var items, out error)) return false;
        if (items.Count < 2) return Fail("impossibly short descriptor", out error);
        if (!NetdocRules.TryCheck(items, Rules, out error)) return false;
        if (items[0].Keyword != "router") return Fail("first item is not 'router'", out error);
        if (items[^1].Keyword != "router-signature") return Fail("last item is not 'router-signature'", out error);

        NetdocItem router = items[0];
        string nickname = router.Arguments[0];
        if (!NetdocFormat.IsLegalNickname(nickname)) return Fail("bad nickname", out error);
        if (!IPAddress.TryParse(router.Arguments[1], out IPAddress? address) ||
            address.AddressFamily != AddressFamily.InterNetwork)
            return Fail("router address is not IPv4", out error);
        if (!TryPort(router.Arguments[2], out int orPort) || orPort == 0) return Fail("bad ORPort", out error);
        if (!TryPort(router.Arguments[4], out int dirPort)) return Fail("bad DirPort", out error);

        NetdocItem bw = items.Find("bandwidth")!;
        if (!TryLong(bw.Arguments[0], 1, out long bwAvg) || !TryLong(bw.Arguments[1], 0, out long bwBurst) ||
            !TryLong(bw.Arguments[2], 0, out long bwObs))
            return Fail("bad bandwidth", out error);

        long? uptime = null;
        if (items.Find("uptime") is { } up)
        {
            if (!long.TryParse(up.Arguments[0], NumberStyles.None, CultureInfo.InvariantCulture, out long u)) return Fail("bad uptime", out error);
            uptime = u;
        }

        NetdocItem pub = items.Find("published")!;
        if (!NetdocFormat.TryParseTime(pub.Arguments[0], pub.Arguments[1], out DateTimeOffset published))
            return Fail("bad published time", out error);

        if (!TryRsaKey(items.Find("onion-key")!, out RsaPublicKey? onionKey, out error)) return false;
        if (!TryRsaKey(items.Find("signing-key")!, out RsaPublicKey? identityKey, out error)) return false;
        if (!NetdocFormat.TryDecodeBase64(items.Find("ntor-onion-key")!.Arguments[0], 32, out byte[] ntorKey))
            return Fail("bad ntor-onion-key", out error);
        byte[] fingerprint;
        try
        {
            fingerprint = identityKey!.Fingerprint;
        }
        catch (Exception e) when (e is not NotImplementedException)
        {
            return Fail("bad identity key", out error);
        }

        // The ed25519 identity block (dir-spec §2.1.1; positions as C tor enforces them).
        NetdocItem edCertItem = items.Find("identity-ed25519")!;
        if (items.IndexOf(edCertItem) != 1) return Fail("ed25519 certificate in wrong position", out error);
        NetdocItem edSigItem = items.Find("router-sig-ed25519")!;
        if (items.IndexOf(edSigItem) != items.Count - 2) return Fail("ed25519 signature in wrong position", out error);
        if (edCertItem.Object!.Type != "ED25519 CERT") return Fail("wrong object type on identity-ed25519", out error);
        if (!SafeCrypto.TryDecodeCert(edCertItem.Object.Data, out Ed25519Cert? signingCert, out error)) return false;
        if (signingCert!.CertType != CertType.Ed25519Signing || signingCert.SignedWithKey is null ||
            signingCert.KeyType != CertKeyType.Ed25519)
            return Fail("invalid form for ed25519 signing certificate", out error);
        if (!NetdocFormat.TryDecodeBase64(items.Find("master-key-ed25519")!.Arguments[0], 32, out byte[] master) ||
            !master.AsSpan().SequenceEqual(signingCert.SignedWithKey.Bytes))
            return Fail("master-key-ed25519 does not match the certificate", out error);

        NetdocItem ntorCcItem = items.Find("ntor-onion-key-crosscert")!;
        if (ntorCcItem.Object!.Type != "ED25519 CERT")
            return Fail("wrong object type on ntor-onion-key-crosscert", out error);
        string signArg = ntorCcItem.Arguments[0];
        if (signArg is not ("0" or "1")) return Fail("bad sign bit on ntor-onion-key-crosscert", out error);
        if (!SafeCrypto.TryDecodeCert(ntorCcItem.Object.Data, out Ed25519Cert? ntorCc, out error)) return false;
        if (ntorCc!.CertType != CertType.NtorOnionKeyCross ||
            !ntorCc.CertifiedKey.AsSpan().SequenceEqual(signingCert.SignedWithKey.Bytes))
            return Fail("invalid contents for ntor-onion-key-crosscert", out error);

        NetdocItem tapCcItem = items.Find("onion-key-crosscert")!;
        if (tapCcItem.Object!.Type != "CROSSCERT") return Fail("wrong object type on onion-key-crosscert", out error);
        if (!NetdocFormat.TryDecodeBase64(edSigItem.Arguments[0], 64, out byte[] edSig))
            return Fail("bad router-sig-ed25519", out error);

        NetdocItem rsaSigItem = items[^1];
        if (rsaSigItem.Object!.Type != "SIGNATURE") return Fail("bad object type on router-signature", out error);

        if (items.Find("fingerprint") is { } fpItem)
        {
            string hex = fpItem.ArgumentText.Replace(" ", "", StringComparison.Ordinal);
            if (!NetdocFormat.TryParseHex(hex, 20, out byte[] claimed)) return Fail("bad fingerprint line", out error);
            if (!claimed.AsSpan().SequenceEqual(fingerprint))
                return Fail("fingerprint does not match identity key", out error);
        }

        if (items.Find("reject6") is not null || items.Find("accept6") is not null)
            return Fail("reject6/accept6 lines are not allowed", out error);
        var policy = items.Where(i => i.Keyword is "accept" or "reject")
            .Select(i => i.Keyword + " " + i.ArgumentText).ToList();
        if (policy.Count == 0) return Fail("no exit policy", out error);

        var orAddresses = new List<IPEndPoint>();
        foreach (NetdocItem oa in items.FindAll("or-address"))
        {
            if (!IPEndPoint.TryParse(oa.Arguments[0], out IPEndPoint? ep) || ep.Port == 0)
                return Fail("bad or-address", out error);
            orAddresses.Add(ep);
        }

        var family = new List<string>();
        if (items.Find("family") is { } fam)
        {
            foreach (string member in fam.Arguments)
            {
                if (!IsLegalFamilyMember(member)) return Fail("illegal family member", out error);
                family.Add(member);
            }
        }

        byte[]? eiDigest = null, eiDigest256 = null;
        if (items.Find("extra-info-digest") is { } eid)
        {
            // C tor only logs malformed extra-info digests; we drop them likewise.
            if (NetdocFormat.TryParseHex(eid.Arguments[0], 20, out byte[] d)) eiDigest = d;
            if (eid.Arguments.Count >= 2 && NetdocFormat.TryDecodeBase64(eid.Arguments[1], 32, out byte[] d2))
                eiDigest256 = d2;
        }

        var descriptor = new ServerDescriptor
        {
            Text = text,
            Digest = DescriptorSigning.Sha1(text, rs, re),
            Nickname = nickname,
            Address = address,
            OrPort = orPort,
            DirPort = dirPort,
            OrAddresses = orAddresses,
            Platform = items.Find("platform")?.ArgumentText,
            Protocols = items.Find("proto")!.ArgumentText,
            Published = published,
            UptimeSeconds = uptime,
            BandwidthAverage = bwAvg,
            BandwidthBurst = bwBurst,
            BandwidthObserved = bwObs,
            Fingerprint = fingerprint,
            IdentityKey = identityKey!,
            OnionKey = onionKey!,
            NtorOnionKey = ntorKey,
            MasterKey = signingCert.SignedWithKey,
            SigningKeyCert = signingCert,
            CertificatesExpire = signingCert.Expiration < ntorCc.Expiration ? signingCert.Expiration : ntorCc.Expiration,
            Family = family,
            Contact = items.Find("contact")?.ArgumentText,
            ExitPolicy = policy,
            Ipv6Policy = items.Find("ipv6-policy")?.ArgumentText,
            ExtraInfoDigest = eiDigest,
            ExtraInfoDigest256 = eiDigest256,
            HiddenServiceDir = items.Find("hidden-service-dir") is not null,
            TunnelledDirServer = items.Find("tunnelled-dir-server") is not null || dirPort > 0,
            CachesExtraInfo = items.Find("caches-extra-info") is not null,
            Hibernating = items.Find("hibernating") is { } h && h.Arguments[0] != "0",
        };
        result = new UnverifiedServerDescriptor(descriptor, edSig, DescriptorSigning.Ed25519Digest(text, es, ee), ntorCc,
            signArg == "1" ? 1 : 0, tapCcItem.Object.Data, rsaSigItem.Object.Data);
        error = null;
        return true;
    }

    /// <summary>
    /// Checks every signature and that no certificate has expired at <paramref name="now"/>; on success hands out the
    /// descriptor.
    /// </summary>
    public bool TryVerify(DateTimeOffset now, out ServerDescriptor? descriptor, out string? error)
    {
        descriptor = null;
        ServerDescriptor d = _descriptor;
        Ed25519Cert cert = d.SigningKeyCert;
        if (!SafeCrypto.VerifyCert(cert, d.MasterKey)) return Fail("bad signature on the ed25519 signing certificate", out error);
        if (!SafeCrypto.TryEd25519FromCurve25519(d.NtorOnionKey, _ntorSignBit, out Ed25519PublicKey? ntorEd) ||
            !SafeCrypto.VerifyCert(_ntorCrossCert, ntorEd)) return Fail("bad ntor-onion-key-crosscert", out error);
        Ed25519PublicKey signingKey = new(cert.CertifiedKey);
        if (!SafeCrypto.VerifyEd25519(signingKey, _ed25519SignedDigest, _ed25519Signature))
            return Fail("incorrect ed25519 signature", out error);
        if (now > d.CertificatesExpire) return Fail("an ed25519 certificate has expired", out error);

        var tapSigned = new byte[52];
        d.Fingerprint.CopyTo(tapSigned, 0);
        d.MasterKey.Bytes.CopyTo(tapSigned, 20);
        if (!SafeCrypto.VerifyRaw(d.OnionKey, tapSigned, _tapCrossCert)) return Fail("incorrect TAP cross-certification", out error);
        if (!SafeCrypto.VerifyRaw(d.IdentityKey, d.Digest, _rsaSignature)) return Fail("bad router-signature", out error);

        descriptor = d;
        error = null;
        return true;
    }

    private static bool TryRsaKey(NetdocItem item, out RsaPublicKey? key, out string? error)
    {
        key = null;
        if (item.Object!.Type != "RSA PUBLIC KEY") return Fail($"'{item.Keyword}' is not an RSA public key", out error);
        if (!SafeCrypto.TryRsaPublicKey(item.Object.Data, out key) || SafeCrypto.Bits(key!) != 1024)
            return Fail($"'{item.Keyword}' is not a 1024-bit RSA key", out error);
        error = null;
        return true;
    }

    internal static bool IsLegalFamilyMember(string s)
    {
        if (!s.StartsWith('$')) return NetdocFormat.IsLegalNickname(s);
        string h = s[1..];
        if (h.Length > 40)
        {
            if ((h[40] != '=' && h[40] != '~') || !NetdocFormat.IsLegalNickname(h[41..])) return false;
            h = h[..40];
        }

        return NetdocFormat.TryParseHex(h, 20, out _);
    }

    private static bool TryPort(string s, out int port)
        => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port <= 65535;

    private static bool TryLong(string s, long min, out long value)
        => long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min &&
           value <= int.MaxValue;

    private static bool Fail(string message, out string? error)
    {
        error = message;
        return false;
    }
}
