using TorRelay.Cells.Certs;
using TorRelay.Directory.Netdoc;

namespace TorRelay.Directory.Descriptors;

/// <summary>
/// A parsed, unchecked extra-info document; <see cref="TryVerify"/> checks it against its (verified) server
/// descriptor as C tor does: same identity and signing certificate, ed25519 and RSA signatures, matching digests.
/// </summary>
public sealed class UnverifiedExtraInfo
{
    private static readonly NetdocRule[] Rules =
    [
        NetdocRule.Once("extra-info", 2),
        NetdocRule.Once("router-signature", 0, ObjectRule.Required),
        NetdocRule.Once("published", 2),
        NetdocRule.Once("identity-ed25519", 0, ObjectRule.Required),
        NetdocRule.Once("router-sig-ed25519", 1),
    ];

    private static readonly HashSet<string> Framing =
        ["extra-info", "router-signature", "published", "identity-ed25519", "router-sig-ed25519"];

    private readonly ExtraInfoDocument _doc;
    private readonly Ed25519Cert _cert;
    private readonly byte[] _edSig;
    private readonly byte[] _edDigest;
    private readonly byte[] _rsaSig;

    private UnverifiedExtraInfo(ExtraInfoDocument doc, Ed25519Cert cert, byte[] edSig, byte[] edDigest, byte[] rsaSig)
    {
        _doc = doc;
        _cert = cert;
        _edSig = edSig;
        _edDigest = edDigest;
        _rsaSig = rsaSig;
    }

    public static bool TryParse(string text, out UnverifiedExtraInfo? result, out string? error)
    {
        result = null;
        try
        {
            return TryParseCore(text, out result, out error);
        }
        catch (Exception e) when (e is not NotImplementedException)
        {
            error = "malformed extra-info: " + e.GetType().Name;
            return false;
        }
    }

    private static bool TryParseCore(string text, out UnverifiedExtraInfo? result, out string? error)
    {
        result = null;
        if (text is null || !text.StartsWith("extra-info ", StringComparison.Ordinal))
            return Fail("document does not start with 'extra-info '", out error);
        int end = text.Length;
        while (end > 2 && text[end - 1] == '\n' && text[end - 2] == '\n') end--;
        text = text[..end];
        if (!SignedRange.TryFind(text, "extra-info", "\nrouter-signature", '\n', out int rs, out int re))
            return Fail("no RSA-signed range", out error);
        if (!SignedRange.TryFind(text, "extra-info ", "\nrouter-sig-ed25519", ' ', out int es, out int ee))
            return Fail("no ed25519-signed range", out error);
        if (!NetdocTokenizer.TryTokenize(text, out var items, out error)) return false;
        if (!NetdocRules.TryCheck(items, Rules, out error)) return false;
        if (items[0].Keyword != "extra-info" || items[^1].Keyword != "router-signature")
            return Fail("extra-info framing is wrong", out error);
        if (!NetdocFormat.IsLegalNickname(items[0].Arguments[0])) return Fail("bad nickname", out error);
        if (!NetdocFormat.TryParseHex(items[0].Arguments[1], 20, out byte[] fp)) return Fail("bad fingerprint", out error);
        NetdocItem pub = items.Find("published")!;
        if (!NetdocFormat.TryParseTime(pub.Arguments[0], pub.Arguments[1], out DateTimeOffset published))
            return Fail("bad published time", out error);
        NetdocItem certItem = items.Find("identity-ed25519")!;
        if (items.IndexOf(certItem) != 1 || certItem.Object!.Type != "ED25519 CERT")
            return Fail("ed25519 certificate in wrong position or of wrong type", out error);
        NetdocItem sigItem = items.Find("router-sig-ed25519")!;
        if (items.IndexOf(sigItem) != items.Count - 2) return Fail("ed25519 signature in wrong position", out error);
        if (!SafeCrypto.TryDecodeCert(certItem.Object.Data, out Ed25519Cert? cert, out error)) return false;
        if (cert!.CertType != CertType.Ed25519Signing || cert.SignedWithKey is null)
            return Fail("invalid form for ed25519 certificate", out error);
        if (!NetdocFormat.TryDecodeBase64(sigItem.Arguments[0], 64, out byte[] edSig))
            return Fail("bad router-sig-ed25519", out error);
        NetdocObject rsaSig = items[^1].Object!;
        if (rsaSig.Type != "SIGNATURE" || rsaSig.Data.Length is < 128 or > 512)
            return Fail("bad object type or length on extra-info signature", out error);

        var doc = new ExtraInfoDocument
        {
            Text = text,
            Nickname = items[0].Arguments[0],
            Fingerprint = fp,
            Published = published,
            Digest = DescriptorSigning.Sha1(text, rs, re),
            Digest256 = DescriptorSigning.Sha256(text),
            Lines = items.Where(i => !Framing.Contains(i.Keyword))
                .Select(i => i.ArgumentText.Length == 0 ? i.Keyword : i.Keyword + " " + i.ArgumentText).ToList(),
        };
        result = new UnverifiedExtraInfo(doc, cert, edSig, DescriptorSigning.Ed25519Digest(text, es, ee), rsaSig.Data);
        error = null;
        return true;
    }

    public bool TryVerify(ServerDescriptor descriptor, out ExtraInfoDocument? document, out string? error)
    {
        document = null;
        if (!_doc.Fingerprint.AsSpan().SequenceEqual(descriptor.Fingerprint))
            return Fail("identity differs from the descriptor's", out error);
        if (!_cert.Encoded.AsSpan().SequenceEqual(descriptor.SigningKeyCert.Encoded))
            return Fail("signing certificate differs from the descriptor's", out error);
        if (!SafeCrypto.VerifyEd25519(new(_cert.CertifiedKey), _edDigest, _edSig))
            return Fail("incorrect ed25519 signature", out error);
        if (!SafeCrypto.VerifyRaw(descriptor.IdentityKey, _doc.Digest, _rsaSig))
            return Fail("bad router-signature", out error);
        if (descriptor.ExtraInfoDigest is { } d && !d.AsSpan().SequenceEqual(_doc.Digest))
            return Fail("digest differs from the descriptor's extra-info-digest", out error);
        if (descriptor.ExtraInfoDigest256 is { } d256 && !d256.AsSpan().SequenceEqual(_doc.Digest256))
            return Fail("SHA-256 digest differs from the descriptor's extra-info-digest", out error);
        document = _doc;
        error = null;
        return true;
    }

    private static bool Fail(string message, out string? error)
    {
        error = message;
        return false;
    }
}
