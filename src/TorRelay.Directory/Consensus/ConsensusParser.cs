using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using TorRelay.Directory.Netdoc;

namespace TorRelay.Directory.Consensus;

/// <summary>
/// Parses a microdesc-flavoured consensus (dir-spec §3.4.1), or an ns-flavoured one (§3.4.1: "r" lines carry the
/// server descriptor digest, no "m" lines), into a <see cref="ConsensusBody"/>.
/// </summary>
internal static class ConsensusParser
{
    private static readonly NetdocRule[] HeaderRules =
    [
        NetdocRule.Once("network-status-version", 1),
        NetdocRule.Once("vote-status", 1),
        NetdocRule.Once("consensus-method", 1),
        NetdocRule.Once("valid-after", 2),
        NetdocRule.Once("fresh-until", 2),
        NetdocRule.Once("valid-until", 2),
        NetdocRule.Once("voting-delay", 2),
        NetdocRule.AtMostOnce("client-versions"),
        NetdocRule.AtMostOnce("server-versions"),
        NetdocRule.Once("known-flags"),
        NetdocRule.AtMostOnce("params"),
        NetdocRule.AtMostOnce("recommended-client-protocols"),
        NetdocRule.AtMostOnce("recommended-relay-protocols"),
        NetdocRule.AtMostOnce("required-client-protocols"),
        NetdocRule.AtMostOnce("required-relay-protocols"),
        new NetdocRule("dir-source", 1, int.MaxValue, 6),
        NetdocRule.Any("contact"),
        NetdocRule.Any("vote-digest", 1),
    ];

    private static readonly NetdocRule[] EntryRules =
    [
        NetdocRule.Once("r", 7),
        NetdocRule.Any("a", 1),
        NetdocRule.AtMostOnce("s"),
        NetdocRule.AtMostOnce("v"),
        NetdocRule.AtMostOnce("pr"),
        NetdocRule.AtMostOnce("w", 1),
        NetdocRule.Once("m", 1),
    ];

    private static readonly NetdocRule[] NsEntryRules =
    [
        NetdocRule.Once("r", 8),
        NetdocRule.Any("a", 1),
        NetdocRule.AtMostOnce("s"),
        NetdocRule.AtMostOnce("v"),
        NetdocRule.AtMostOnce("pr"),
        NetdocRule.AtMostOnce("w", 1),
        NetdocRule.AtMostOnce("p", 2),
    ];

    private static readonly NetdocRule[] FooterRules =
    [
        NetdocRule.AtMostOnce("directory-footer"),
        NetdocRule.AtMostOnce("bandwidth-weights"),
        new NetdocRule("directory-signature", 1, int.MaxValue, 2, ObjectRule.Required),
    ];

    public static bool TryParse(string text, out ConsensusBody? body, out string? error)
        => TryParse(text, "microdesc", out body, out error);

    /// <param name="text">The consensus text.</param>
    /// <param name="expectedFlavor">"microdesc" or "ns"; a document of another flavour is refused.</param>
    /// <param name="body">The parsed consensus.</param>
    /// <param name="error">Why parsing failed.</param>
    public static bool TryParse(string text, string expectedFlavor, out ConsensusBody? body, out string? error)
    {
        body = null;
        if (text is null || !text.StartsWith("network-status-version ", StringComparison.Ordinal))
            return Fail("document does not start with network-status-version", out error);
        if (!SignedRange.TryFind(text, "network-status-version", "\ndirectory-signature", ' ', out int ss, out int se))
            return Fail("no signed range", out error);
        if (!NetdocTokenizer.TryTokenize(text, out var items, out error)) return false;

        // Split into header, router entries and footer, as find_start_of_next_routerstatus does.
        int i = 0;
        var header = new List<NetdocItem>();
        while (i < items.Count && items[i].Keyword is not ("r" or "directory-footer" or "directory-signature"))
            header.Add(items[i++]);
        var entries = new List<List<NetdocItem>>();
        while (i < items.Count && items[i].Keyword == "r")
        {
            var entry = new List<NetdocItem> { items[i++] };
            while (i < items.Count && items[i].Keyword is not ("r" or "directory-footer" or "directory-signature"))
                entry.Add(items[i++]);
            entries.Add(entry);
        }

        var footer = items.Skip(i).ToList();
        if (footer.Count == 0) return Fail("missing footer", out error);
        if (footer.Any(f => f.Keyword == "r")) return Fail("router entry after the footer", out error);
        int firstSig = footer.FindIndex(f => f.Keyword == "directory-signature");
        if (firstSig < 0 || footer.Skip(firstSig).Any(f => f.Keyword != "directory-signature"))
            return Fail("items after the signatures", out error);

        if (!NetdocRules.TryCheck(header, HeaderRules, out error)) return Fail("header: " + error, out error);
        if (!NetdocRules.TryCheck(footer, FooterRules, out error)) return Fail("footer: " + error, out error);
        if (header[0].Keyword != "network-status-version" || header[0].Arguments[0] != "3")
            return Fail("not a v3 network status", out error);
        string flavor = header[0].Arg(1) ?? "ns";
        if (flavor != expectedFlavor) return Fail($"flavor '{flavor}' is not {expectedFlavor}", out error);
        if (header.Find("vote-status")!.Arguments[0] != "consensus") return Fail("not a consensus", out error);
        if (!int.TryParse(header.Find("consensus-method")!.Arguments[0], NumberStyles.None, CultureInfo.InvariantCulture,
                out int method))
            return Fail("bad consensus-method", out error);
        if (!TryTime(header, "valid-after", out DateTimeOffset validAfter) ||
            !TryTime(header, "fresh-until", out DateTimeOffset freshUntil) ||
            !TryTime(header, "valid-until", out DateTimeOffset validUntil))
            return Fail("bad validity times", out error);
        if (!(validAfter <= freshUntil && freshUntil <= validUntil))
            return Fail("validity times out of order", out error);
        NetdocItem vd = header.Find("voting-delay")!;
        if (!int.TryParse(vd.Arguments[0], NumberStyles.None, CultureInfo.InvariantCulture, out int voteDelay) ||
            !int.TryParse(vd.Arguments[1], NumberStyles.None, CultureInfo.InvariantCulture, out int distDelay))
            return Fail("bad voting-delay", out error);

        if (!TryKeyValues(header.Find("params")?.Arguments, out var parameters))
            return Fail("bad params", out error);
        if (!TryKeyValues(footer.Find("bandwidth-weights")?.Arguments, out var weights))
            return Fail("bad bandwidth-weights", out error);
        if (!TryDirSources(header, out var dirSources, out error)) return false;

        var routers = new List<RouterStatusEntry>(entries.Count);
        foreach (var entry in entries)
        {
            if (!TryEntry(entry, flavor == "ns", out RouterStatusEntry? rs, out error))
                return Fail($"router entry {routers.Count + 1}: {error}", out error);
            routers.Add(rs!);
        }

        var signatures = new List<DirectorySignature>();
        foreach (NetdocItem sig in footer.Skip(firstSig))
        {
            if (!TrySignature(sig, out DirectorySignature? ds, out error)) return false;
            signatures.Add(ds!);
        }

        byte[] signedBytes = NetdocFormat.WireBytes(text, ss, se);
        body = new ConsensusBody
        {
            Text = text,
            Flavor = flavor,
            ConsensusMethod = method,
            ValidAfter = validAfter,
            FreshUntil = freshUntil,
            ValidUntil = validUntil,
            VoteDelay = TimeSpan.FromSeconds(voteDelay),
            DistDelay = TimeSpan.FromSeconds(distDelay),
            KnownFlags = header.Find("known-flags")!.Arguments,
            Params = parameters,
            ClientVersions = Versions(header.Find("client-versions")),
            ServerVersions = Versions(header.Find("server-versions")),
            RecommendedClientProtocols = header.Find("recommended-client-protocols")?.ArgumentText,
            RecommendedRelayProtocols = header.Find("recommended-relay-protocols")?.ArgumentText,
            RequiredClientProtocols = header.Find("required-client-protocols")?.ArgumentText,
            RequiredRelayProtocols = header.Find("required-relay-protocols")?.ArgumentText,
            DirSources = dirSources,
            Routers = routers,
            BandwidthWeights = weights,
            Signatures = signatures,
            SignedDigestSha1 = SHA1.HashData(signedBytes),
            SignedDigestSha256 = SHA256.HashData(signedBytes),
            DigestSha3AsSigned = SHA3_256.IsSupported ? SHA3_256.HashData(signedBytes) : [],
        };
        error = null;
        return true;
    }

    private static bool TryEntry(List<NetdocItem> items, bool ns, out RouterStatusEntry? entry, out string? error)
    {
        entry = null;
        if (!NetdocRules.TryCheck(items, ns ? NsEntryRules : EntryRules, out error)) return false;
        NetdocItem r = items[0];
        if (!NetdocFormat.IsLegalNickname(r.Arguments[0])) return Fail("bad nickname", out error);
        if (!NetdocFormat.TryDecodeBase64(r.Arguments[1], 20, out byte[] identity)) return Fail("bad identity", out error);
        // The ns flavour puts the server descriptor digest after the identity; the rest shifts by one.
        byte[]? descriptorDigest = null;
        if (ns && !NetdocFormat.TryDecodeBase64(r.Arguments[2], 20, out descriptorDigest))
            return Fail("bad descriptor digest", out error);
        int k = ns ? 3 : 2;
        if (!NetdocFormat.TryParseTime(r.Arguments[k], r.Arguments[k + 1], out DateTimeOffset published))
            return Fail("bad publication time", out error);
        if (!IPAddress.TryParse(r.Arguments[k + 2], out IPAddress? address) ||
            address.AddressFamily != AddressFamily.InterNetwork)
            return Fail("bad address", out error);
        if (!TryPort(r.Arguments[k + 3], out int orPort) || !TryPort(r.Arguments[k + 4], out int dirPort))
            return Fail("bad port", out error);

        var orAddresses = new List<IPEndPoint>();
        foreach (NetdocItem a in items.FindAll("a"))
        {
            // Unparseable "a" lines are skipped, as C tor does.
            if (IPEndPoint.TryParse(a.Arguments[0], out IPEndPoint? ep) && ep.Port != 0) orAddresses.Add(ep);
        }

        long? bandwidth = null, measured = null;
        bool unmeasured = false;
        if (items.Find("w") is { } w)
        {
            foreach (string kv in w.Arguments)
            {
                if (kv.StartsWith("Bandwidth=", StringComparison.Ordinal))
                {
                    if (!TryLong(kv[10..], out long b)) return Fail("bad Bandwidth=", out error);
                    bandwidth = b;
                }
                else if (kv.StartsWith("Measured=", StringComparison.Ordinal))
                {
                    if (!TryLong(kv[9..], out long m)) return Fail("bad Measured=", out error);
                    measured = m;
                }
                else if (kv == "Unmeasured=1")
                {
                    unmeasured = true;
                }
            }
        }

        byte[] md = [];
        if (!ns && !NetdocFormat.TryDecodeBase64(items.Find("m")!.Arguments[0], 32, out md))
            return Fail("bad microdescriptor digest", out error);

        entry = new RouterStatusEntry
        {
            Nickname = r.Arguments[0],
            Identity = identity,
            Published = published,
            Address = address,
            OrPort = orPort,
            DirPort = dirPort,
            OrAddresses = orAddresses,
            Flags = (items.Find("s")?.Arguments ?? []).ToHashSet(StringComparer.Ordinal),
            Version = items.Find("v")?.ArgumentText,
            Protocols = items.Find("pr")?.ArgumentText,
            Bandwidth = bandwidth,
            MeasuredBandwidth = measured,
            Unmeasured = unmeasured,
            MicrodescriptorDigest = md,
            DescriptorDigest = descriptorDigest,
        };
        error = null;
        return true;
    }

    private static bool TryDirSources(List<NetdocItem> header, out List<DirSource> sources, out string? error)
    {
        sources = [];
        for (int i = 0; i < header.Count; i++)
        {
            if (header[i].Keyword != "dir-source") continue;
            var a = header[i].Arguments;
            if (!NetdocFormat.TryParseHex(a[1], 20, out byte[] id)) return Fail("bad dir-source identity", out error);
            if (!IPAddress.TryParse(a[3], out IPAddress? ip) || !TryPort(a[4], out int dirPort) ||
                !TryPort(a[5], out int orPort))
                return Fail("bad dir-source address", out error);
            string? contact = null;
            byte[]? voteDigest = null;
            for (int j = i + 1; j < header.Count && header[j].Keyword != "dir-source"; j++)
            {
                if (header[j].Keyword == "contact") contact = header[j].ArgumentText;
                else if (header[j].Keyword == "vote-digest" &&
                         NetdocFormat.TryParseHex(header[j].Arguments[0], 20, out byte[] vd)) voteDigest = vd;
            }

            sources.Add(new DirSource(a[0], id, a[2], ip, dirPort, orPort, contact, voteDigest));
        }

        error = null;
        return true;
    }

    private static bool TrySignature(NetdocItem item, out DirectorySignature? signature, out string? error)
    {
        signature = null;
        var a = item.Arguments;
        string algorithm = a.Count >= 3 ? a[0] : "sha1";
        int first = a.Count >= 3 ? 1 : 0;
        if (!NetdocFormat.TryParseHex(a[first], 20, out byte[] id) ||
            !NetdocFormat.TryParseHex(a[first + 1], 20, out byte[] skd))
            return Fail("bad directory-signature digests", out error);
        if (item.Object!.Type != "SIGNATURE") return Fail("bad directory-signature object type", out error);
        signature = new DirectorySignature(algorithm, id, skd, item.Object.Data);
        error = null;
        return true;
    }

    private static bool TryKeyValues(IReadOnlyList<string>? args, out IReadOnlyDictionary<string, int> values)
    {
        var dict = new Dictionary<string, int>(StringComparer.Ordinal);
        values = dict;
        foreach (string kv in args ?? [])
        {
            int eq = kv.IndexOf('=');
            if (eq <= 0 || !int.TryParse(kv.AsSpan(eq + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture,
                    out int v))
                return false;
            dict[kv[..eq]] = v;
        }

        return true;
    }

    private static IReadOnlyList<string> Versions(NetdocItem? item)
        => item is null ? [] : item.ArgumentText.Split(',', StringSplitOptions.RemoveEmptyEntries);

    private static bool TryTime(List<NetdocItem> header, string keyword, out DateTimeOffset value)
    {
        NetdocItem item = header.Find(keyword)!;
        return NetdocFormat.TryParseTime(item.Arguments[0], item.Arguments[1], out value);
    }

    private static bool TryPort(string s, out int port)
        => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port <= 65535;

    private static bool TryLong(string s, out long value)
        => long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out value);

    private static bool Fail(string message, out string? error)
    {
        error = message;
        return false;
    }
}
