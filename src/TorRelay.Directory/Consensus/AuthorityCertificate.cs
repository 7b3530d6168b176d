using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using TorRelay.Crypto;
using TorRelay.Directory.Netdoc;

namespace TorRelay.Directory.Consensus;

/// <summary>
/// A v3 directory authority key certificate (dir-spec §3.1). It is self-authenticating: parsing checks
/// dir-key-certification (identity key over the certificate) and dir-key-crosscert (signing key over the identity
/// digest), as C tor's authority_cert_parse_from_string does. Whether the identity is trusted is the caller's matter
/// (match <see cref="IdentityFingerprint"/> against a configured v3ident).
/// </summary>
public sealed class AuthorityCertificate
{
    private const int MaxCertificateBytes = 128 * 1024;
    private const string Start = "dir-key-certificate-version";

    private static readonly NetdocRule[] Rules =
    [
        NetdocRule.Once(Start, 1),
        NetdocRule.Once("fingerprint", 1),
        NetdocRule.Once("dir-identity-key", 0, ObjectRule.Required),
        NetdocRule.Once("dir-key-published", 2),
        NetdocRule.Once("dir-key-expires", 2),
        NetdocRule.Once("dir-signing-key", 0, ObjectRule.Required),
        NetdocRule.Once("dir-key-crosscert", 0, ObjectRule.Required),
        NetdocRule.Once("dir-key-certification", 0, ObjectRule.Required),
        NetdocRule.AtMostOnce("dir-address", 1),
    ];

    private AuthorityCertificate() { }

    public required string Text { get; init; }

    /// <summary>SHA-1 of the identity key's DER: the authority's v3ident.</summary>
    public required byte[] IdentityFingerprint { get; init; }

    public required RsaPublicKey IdentityKey { get; init; }
    public required RsaPublicKey SigningKey { get; init; }

    /// <summary>SHA-1 of the signing key's DER, as named in directory-signature lines.</summary>
    public required byte[] SigningKeyDigest { get; init; }

    public required DateTimeOffset Published { get; init; }
    public required DateTimeOffset Expires { get; init; }
    public IPEndPoint? DirAddress { get; init; }

    public bool IsValidAt(DateTimeOffset now) => now >= Published && now < Expires;

    /// <summary>Parses and self-verifies one certificate; trailing text after it is an error.</summary>
    public static bool TryParse(string text, out AuthorityCertificate? certificate, out string? error)
    {
        certificate = null;
        if (text is null) return Fail("null text", out error);
        if (!TryParseAt(text, 0, out certificate, out int next, out error)) return false;
        if (text.AsSpan(next).Trim().Length != 0)
        {
            certificate = null;
            return Fail("text after the certificate", out error);
        }

        return true;
    }

    /// <summary>Parses a concatenation of certificates, as /tor/keys/all returns; all must be valid.</summary>
    public static bool TryParseMany(string text, out IReadOnlyList<AuthorityCertificate> certificates, out string? error)
    {
        var list = new List<AuthorityCertificate>();
        certificates = list;
        if (text is null) return Fail("null text", out error);
        int pos = 0;
        while (text.AsSpan(pos).Trim().Length != 0)
        {
            if (!TryParseAt(text, pos, out AuthorityCertificate? cert, out pos, out error))
            {
                error = $"certificate {list.Count + 1}: {error}";
                return false;
            }

            list.Add(cert!);
        }

        error = null;
        return true;
    }

    private static bool TryParseAt(string text, int pos, out AuthorityCertificate? certificate, out int next,
        out string? error)
    {
        certificate = null;
        next = text.Length;
        try
        {
            while (pos < text.Length && char.IsWhiteSpace(text[pos])) pos++;
            int eos = text.IndexOf("\ndir-key-certification", pos, StringComparison.Ordinal);
            if (eos < 0) return Fail("no dir-key-certification", out error);
            eos = text.IndexOf("\n-----END SIGNATURE-----\n", eos, StringComparison.Ordinal);
            if (eos < 0) return Fail("no end of signature", out error);
            eos = text.IndexOf('\n', eos + 2) + 1;
            if (eos - pos > MaxCertificateBytes) return Fail("certificate too large", out error);
            next = eos;
            return TryParseOne(text[pos..eos], out certificate, out error);
        }
        catch (Exception e) when (e is not NotImplementedException)
        {
            return Fail("malformed certificate: " + e.GetType().Name, out error);
        }
    }

    private static bool TryParseOne(string text, out AuthorityCertificate? certificate, out string? error)
    {
        certificate = null;
        if (!NetdocTokenizer.TryTokenize(text, out var items, out error)) return false;
        if (!NetdocRules.TryCheck(items, Rules, out error)) return false;
        if (items[0].Keyword != Start || items[0].Arguments[0] != "3")
            return Fail("certificate does not begin with version 3", out error);
        if (items[^1].Keyword != "dir-key-certification")
            return Fail("certificate does not end with dir-key-certification", out error);
        if (!SignedRange.TryFind(text, Start, "\ndir-key-certification", '\n', out int s, out int e))
            return Fail("no signed range", out error);

        if (!TryKey(items.Find("dir-identity-key")!, out RsaPublicKey? identity, out error)) return false;
        if (!TryKey(items.Find("dir-signing-key")!, out RsaPublicKey? signing, out error)) return false;
        byte[] identityDigest = SHA1.HashData(identity!.ToPkcs1Der());
        byte[] signingDigest = SHA1.HashData(signing!.ToPkcs1Der());
        if (!NetdocFormat.TryParseHex(items.Find("fingerprint")!.Arguments[0], 20, out byte[] declared) ||
            !declared.AsSpan().SequenceEqual(identityDigest))
            return Fail("fingerprint does not match the identity key", out error);

        IPEndPoint? dirAddress = null;
        if (items.Find("dir-address") is { } da)
        {
            if (!IPEndPoint.TryParse(da.Arguments[0], out dirAddress) ||
                dirAddress.AddressFamily != AddressFamily.InterNetwork || !da.Arguments[0].Contains(':'))
                return Fail("bad dir-address", out error);
        }

        NetdocItem pub = items.Find("dir-key-published")!, exp = items.Find("dir-key-expires")!;
        if (!NetdocFormat.TryParseTime(pub.Arguments[0], pub.Arguments[1], out DateTimeOffset published) ||
            !NetdocFormat.TryParseTime(exp.Arguments[0], exp.Arguments[1], out DateTimeOffset expires))
            return Fail("bad certificate times", out error);

        NetdocObject certification = items[^1].Object!;
        if (certification.Type != "SIGNATURE") return Fail("bad object type on dir-key-certification", out error);
        byte[] digest = SHA1.HashData(NetdocFormat.WireBytes(text, s, e));
        if (!SafeCrypto.VerifyRaw(identity, digest, certification.Data))
            return Fail("bad dir-key-certification signature", out error);
        if (!SafeCrypto.VerifyRaw(signing, identityDigest, items.Find("dir-key-crosscert")!.Object!.Data))
            return Fail("bad dir-key-crosscert signature", out error);

        certificate = new AuthorityCertificate
        {
            Text = text,
            IdentityFingerprint = identityDigest,
            IdentityKey = identity,
            SigningKey = signing,
            SigningKeyDigest = signingDigest,
            Published = published,
            Expires = expires,
            DirAddress = dirAddress,
        };
        error = null;
        return true;
    }

    private static bool TryKey(NetdocItem item, out RsaPublicKey? key, out string? error)
    {
        key = null;
        if (item.Object!.Type != "RSA PUBLIC KEY" || !SafeCrypto.TryRsaPublicKey(item.Object.Data, out key))
            return Fail($"bad key in '{item.Keyword}'", out error);
        error = null;
        return true;
    }

    private static bool Fail(string message, out string? error)
    {
        error = message;
        return false;
    }
}
