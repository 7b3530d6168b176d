using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TorRelay.Directory.Consensus;
using TorRelay.Directory.Netdoc;

using TorRelay.Directory.Policy;

namespace TorRelay.Directory.Cache;

/// <summary>
/// Answers one directory request (the bytes a client sent on a BEGIN_DIR stream) from a
/// <see cref="DirectoryDocumentStore"/>, as C tor's dircache.c (directory_handle_command_get and its url_table) does
/// for a non-authority relay: consensuses of both flavours, microdescriptors, server descriptors, authority key
/// certificates, robots.txt; 404 for what we lack. Thread-safe; never throws on any input.
/// </summary>
public sealed partial class DirectoryRequestHandler(
    DirectoryDocumentStore store,
    TimeProvider? time = null,
    DirectoryRequestHandlerOptions? options = null,
    ILogger<DirectoryRequestHandler>? logger = null)
{
    // dircache.c's cache lifetimes, in seconds.
    private const long FullDirCacheLifetime = 60 * 60;
    private const long RouterDescByDigestCacheLifetime = 48 * 60 * 60;
    private const long MicrodescCacheLifetime = 48 * 60 * 60;
    private const long RobotsCacheLifetime = 24 * 60 * 60;
    private const long KeysCacheLifetime = 60 * 60;
    private static readonly TimeSpan RouterMaxAgeToPublish = TimeSpan.FromHours(24);
    private static readonly TimeSpan ReasonablyLiveTime = TimeSpan.FromHours(24);
    private static readonly byte[] Robots = "User-agent: *\r\nDisallow: /\r\n"u8.ToArray();

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly DirectoryRequestHandlerOptions _options = options ?? new DirectoryRequestHandlerOptions();
    private readonly ILogger _log = logger ?? (ILogger)NullLogger.Instance;

    /// <summary>Handle, then both parts in one array (empty when the connection should just be closed).</summary>
    public byte[] Answer(ReadOnlySpan<byte> request, IPAddress? peer = null) => Handle(request, peer).ToArray();

    /// <param name="request">The request line and headers, as read from the stream.</param>
    /// <param name="peer">
    /// The address of the channel the circuit came in on (C tor's BEGIN_DIR conn address); reported back in
    /// X-Your-Address-Is unless it is internal or in our /24. Null: not reported.
    /// </param>
    public DirectoryResponseBytes Handle(ReadOnlySpan<byte> request, IPAddress? peer = null)
    {
        DateTimeOffset now = NetdocFormat.TruncateToSeconds(_time.GetUtcNow());
        try
        {
            var req = DirectoryHttpRequest.Parse(request);
            DirectoryResponseBytes response = req.IsGet ? HandleGet(req, now, YourAddress(peer))
                : req.IsPost ? HandlePost(req, now)
                : DirectoryResponseBytes.Close;
            LogRequest(_log, FirstLine(req.Headers), response.StatusCode, response.Length);
            return response;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Defence in depth: a bug here must not take the stream's task down; C tor would close.
            LogFailure(_log, e);
            return DirectoryResponseBytes.Close;
        }
    }

    public DirectoryResponseBytes Handle(string request, IPAddress? peer = null)
        => Handle(NetdocFormat.Wire.GetBytes(request), peer);

    private DirectoryResponseBytes HandleGet(DirectoryHttpRequest req, DateTimeOffset now, string? you)
    {
        if (req.Url is null) return DirectoryResponseBytes.Short(400, "Bad request", now);
        string url = req.Url;
        bool zInUrl = url.Length > 2 && url.EndsWith(".z", StringComparison.Ordinal);
        if (zInUrl) url = url[..^2];
        int supported = DirCompressions.ParseAcceptEncoding(req.GetHeader("Accept-Encoding"));
        if (zInUrl) supported |= DirCompressions.Bit(DirCompression.Deflate);
        var ctx = new Request(req, url, DirCompressions.Best(supported), req.IfModifiedSince, now, you, store.Current);

        // The url_table, in C tor's order.
        if (url == "/tor/") return NotFound(now); // no DirPortFrontPage
        if (url.StartsWith("/tor/status-vote/current/consensus", StringComparison.Ordinal)) return Consensus(ctx);
        if (url.StartsWith("/tor/micro/d/", StringComparison.Ordinal)) return Microdescriptors(ctx);
        if (url.StartsWith("/tor/server/", StringComparison.Ordinal) || url.StartsWith("/tor/extra/", StringComparison.Ordinal))
            return Descriptors(ctx);
        if (url.StartsWith("/tor/keys/", StringComparison.Ordinal)) return Keys(ctx);
        if (url == "/tor/robots.txt")
            return DirectoryResponseBytes.Ok(now, DirCompression.None, Robots.Length, RobotsCacheLifetime, you, Robots);
        // Only a bridge authority answers this; C tor writes nothing at all otherwise.
        if (url == "/tor/networkstatus-bridges") return DirectoryResponseBytes.Close;
        // Votes, bandwidth files and onion service descriptors are not ours to serve.
        return NotFound(now);
    }

    /// <summary>directory_handle_command_post on a relay that is neither an authority nor an HSDir.</summary>
    private static DirectoryResponseBytes HandlePost(DirectoryHttpRequest req, DateTimeOffset now)
    {
        if (req.Url is null) return DirectoryResponseBytes.Short(400, "Bad request", now);
        if (req.Url.StartsWith("/tor/hs/", StringComparison.Ordinal))
            return DirectoryResponseBytes.Short(400, "Invalid HS descriptor. Rejected.", now);
        return DirectoryResponseBytes.Short(400, "Nonauthoritative directory does not accept posted server descriptors", now);
    }

    /// <summary>handle_get_current_consensus (no diffs: we keep none, so a client asking for one gets the whole).</summary>
    private static DirectoryResponseBytes Consensus(Request r)
    {
        const string Prefix = "/tor/status-vote/current/consensus/";
        const string Flavored = "/tor/status-vote/current/consensus-";
        string url = r.Url;
        string flavor = "ns";
        string? afterFlavor = null;
        if (url.StartsWith(Flavored, StringComparison.Ordinal))
        {
            string f = url[Flavored.Length..];
            int slash = f.IndexOf('/');
            if (slash >= 0)
            {
                afterFlavor = f[(slash + 1)..];
                f = f[..slash];
            }

            // networkstatus_parse_flavor_name; an unknown name means ns.
            flavor = f == "microdesc" ? "microdesc" : "ns";
        }
        else if (url.StartsWith(Prefix, StringComparison.Ordinal))
        {
            afterFlavor = url[Prefix.Length..];
        }

        string? wantFps = afterFlavor;
        List<byte[]> diffFrom = [];
        bool diffOnly = false;
        if (afterFlavor is not null && afterFlavor.StartsWith("diff/", StringComparison.Ordinal))
        {
            string rest = afterFlavor[5..];
            int slash = rest.IndexOf('/');
            string hash = slash >= 0 ? rest[..slash] : rest;
            wantFps = slash >= 0 ? rest[(slash + 1)..] : null;
            diffOnly = true;
            if (!NetdocFormat.TryParseHex(hash, 32, out byte[] d))
                return DirectoryResponseBytes.Short(404, "Couldn't parse request", r.Now);
            diffFrom.Add(d);
        }
        else if (r.Http.GetHeader("X-Or-Diff-From-Consensus") is { } header)
        {
            foreach (string hex in header.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (NetdocFormat.TryParseHex(hex, 32, out byte[] d)) diffFrom.Add(d);
            }
        }

        CachedConsensus? c = r.Snapshot.GetConsensus(flavor);
        if (c is not null && diffFrom.Any(d => d.AsSpan().SequenceEqual(c.DigestSha3AsSigned)))
            return DirectoryResponseBytes.Short(304, "Not modified", r.Now);
        if (diffOnly) return DirectoryResponseBytes.Short(404, "No such diff available", r.Now);
        if (c is null) return NotFound(r.Now);
        if (r.Now < c.ValidAfter - ReasonablyLiveTime)
            return DirectoryResponseBytes.Short(404, "Consensus is too new", r.Now);
        if (r.Now > c.ValidUntil + ReasonablyLiveTime)
            return DirectoryResponseBytes.Short(404, "Consensus is too old", r.Now);
        if (wantFps is not null && !SignedByEnough(c, wantFps))
            return DirectoryResponseBytes.Short(404,
                "Consensus not signed by sufficient number of requested authorities", r.Now);
        if (r.IfModifiedSince is { } ims && c.ValidAfter < ims)
            return DirectoryResponseBytes.Short(304, "Not modified", r.Now);

        // Consensuses are kept zlib-compressed only, so a client that takes any compression gets deflate.
        DirCompression method = r.Compression == DirCompression.None ? DirCompression.None : DirCompression.Deflate;
        long lifetime = c.FreshUntil > r.Now ? (long)(c.FreshUntil - r.Now).TotalSeconds : 0;
        return DirectoryResponseBytes.Ok(r.Now, method, null, lifetime, r.You, c.Encoded(method),
            "Vary: X-Or-Diff-From-Consensus\r\n");
    }

    /// <summary>
    /// client_likes_consensus: more than half of the requested (possibly abbreviated, hex) authority identities must
    /// be among the consensus's signatories.
    /// </summary>
    private static bool SignedByEnough(CachedConsensus c, string wantFps)
    {
        string[] want = wantFps.Split('+');
        int need = want.Length / 2 + 1;
        int have = want.Count(w => c.Signatories.Any(s => s.StartsWith(w, StringComparison.OrdinalIgnoreCase)));
        return have >= need;
    }

    /// <summary>handle_get_microdesc: the listed microdescriptors we have, in digest order.</summary>
    private static DirectoryResponseBytes Microdescriptors(Request r)
    {
        var found = ResourceList.Base64(r.Url["/tor/micro/d/".Length..], 32)
            .Select(d => r.Snapshot.FindMicrodescriptor(d)).OfType<CachedMicrodescriptor>().Select(m => m.Body).ToList();
        if (found.Count == 0) return NotFound(r.Now);
        return Body(r, found, null, MicrodescCacheLifetime);
    }

    /// <summary>handle_get_descriptor with dirserv_get_routerdesc_spool: /tor/server/{all,authority,d/,fp/}.</summary>
    private DirectoryResponseBytes Descriptors(Request r)
    {
        bool extra = r.Url.StartsWith("/tor/extra/", StringComparison.Ordinal);
        string key = r.Url[(extra ? "/tor/extra/" : "/tor/server/").Length..];
        bool byDigest = key.StartsWith("d/", StringComparison.Ordinal);
        DateTimeOffset cutoff = byDigest ? DateTimeOffset.MinValue : r.Now - RouterMaxAgeToPublish;
        DirectoryCacheSnapshot s = r.Snapshot;

        // The spool: one slot per requested object, present or not (we keep no extra-info documents).
        List<(CachedServerDescriptor? Descriptor, DateTimeOffset Published)> spool;
        if (key == "all")
            spool = extra ? [] : [.. s.AllServerDescriptors().Select(x => ((CachedServerDescriptor?)x.Descriptor, x.Published))];
        else if (key == "authority")
            spool = extra || s.OwnDescriptor is null ? [] : [(s.OwnDescriptor, DateTimeOffset.MaxValue)];
        else if (byDigest)
            spool = [.. ResourceList.Hex(key[2..], 20).Select(d => (extra ? null : s.FindServerDescriptor(d), DateTimeOffset.MaxValue))];
        else if (key.StartsWith("fp/", StringComparison.Ordinal))
            spool = [.. ResourceList.Hex(key[3..], 20).Select(fp =>
                extra ? (null, DateTimeOffset.MaxValue)
                    : (s.FindServerDescriptorByFingerprint(fp, out DateTimeOffset published), published))];
        else
            return NotFound(r.Now);
        // On an unencrypted connection (a DirPort) missing objects leave the spool before anything is counted;
        // over BEGIN_DIR they stay until after the cache lifetime is chosen.
        if (!_options.EncryptedConnection || key == "all") spool.RemoveAll(x => x.Descriptor is null);
        if (spool.Count == 0) return DirectoryResponseBytes.Short(404, "Servers unavailable", r.Now);

        long lifetime = key == "all" ? FullDirCacheLifetime : spool.Count == 1 ? RouterDescByDigestCacheLifetime : 0;
        var bodies = spool.Where(x => x.Descriptor is not null && x.Published >= cutoff)
            .Select(x => x.Descriptor!.Body).ToList();
        if (bodies.Count == 0) return NotFound(r.Now);
        return Body(r, bodies, null, lifetime);
    }

    /// <summary>handle_get_keys: /tor/keys/{all,authority,fp/,sk/,fp-sk/}.</summary>
    private static DirectoryResponseBytes Keys(Request r)
    {
        var all = r.Snapshot.Certificates;
        List<AuthorityCertificate> certs;
        if (r.Url == "/tor/keys/all")
            certs = [.. all];
        else if (r.Url == "/tor/keys/authority")
            certs = []; // we are not an authority
        else if (r.Url.StartsWith("/tor/keys/fp/", StringComparison.Ordinal))
            certs = [.. ResourceList.Hex(r.Url["/tor/keys/fp/".Length..], 20)
                .Select(id => all.Where(c => c.IdentityFingerprint.AsSpan().SequenceEqual(id)).MaxBy(c => c.Published))
                .OfType<AuthorityCertificate>()];
        else if (r.Url.StartsWith("/tor/keys/sk/", StringComparison.Ordinal))
            certs = [.. ResourceList.Hex(r.Url["/tor/keys/sk/".Length..], 20)
                .Select(sk => all.FirstOrDefault(c => c.SigningKeyDigest.AsSpan().SequenceEqual(sk)))
                .OfType<AuthorityCertificate>()];
        else if (r.Url.StartsWith("/tor/keys/fp-sk/", StringComparison.Ordinal))
            certs = [.. ResourceList.HexPairs(r.Url["/tor/keys/fp-sk/".Length..])
                .Select(p => all.FirstOrDefault(c => c.IdentityFingerprint.AsSpan().SequenceEqual(p.Identity) &&
                                                     c.SigningKeyDigest.AsSpan().SequenceEqual(p.SigningKey)))
                .OfType<AuthorityCertificate>()];
        else
            return DirectoryResponseBytes.Short(400, "Bad request", r.Now);

        if (certs.Count == 0) return NotFound(r.Now);
        if (r.IfModifiedSince is { } ims) certs.RemoveAll(c => c.Published < ims);
        if (certs.Count == 0) return DirectoryResponseBytes.Short(304, "Not modified", r.Now);
        var bodies = certs.Select(c => NetdocFormat.WireBytes(c.Text)).ToList();
        return Body(r, bodies, r.Compression == DirCompression.None ? bodies.Sum(b => (long)b.Length) : null,
            KeysCacheLifetime);
    }

    private static DirectoryResponseBytes Body(Request r, List<byte[]> parts, long? contentLength, long lifetime)
    {
        var plain = new byte[parts.Sum(p => p.Length)];
        int at = 0;
        foreach (byte[] p in parts)
        {
            p.CopyTo(plain, at);
            at += p.Length;
        }

        byte[] body = DirCompressions.Compress(plain, r.Compression);
        return DirectoryResponseBytes.Ok(r.Now, r.Compression, contentLength, lifetime, r.You, body);
    }

    private static DirectoryResponseBytes NotFound(DateTimeOffset now) => DirectoryResponseBytes.Short(404, "Not found", now);

    /// <summary>The X-Your-Address-Is value, or null where is_local_to_resolve_addr holds.</summary>
    private string? YourAddress(IPAddress? peer)
    {
        if (peer is null) return null;
        if (peer.IsIPv4MappedToIPv6) peer = peer.MapToIPv4();
        IPAddress[] ours = _options.OurAddress is { AddressFamily: AddressFamily.InterNetwork } our ? [our] : [];
        return InternalAddress.IsLocalTo(peer, ours, _options.EnforceDistinctSubnets) ? null : peer.ToString();
    }

    private static string FirstLine(string headers)
    {
        int end = headers.IndexOfAny(['\r', '\n']);
        string line = end < 0 ? headers : headers[..end];
        return line.Length > 200 ? line[..200] : line;
    }

    private sealed record Request(DirectoryHttpRequest Http, string Url, DirCompression Compression,
        DateTimeOffset? IfModifiedSince, DateTimeOffset Now, string? You, DirectoryCacheSnapshot Snapshot);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Directory request {Request}: {Status}, {Bytes} bytes")]
    private static partial void LogRequest(ILogger log, string request, int status, int bytes);

    [LoggerMessage(Level = LogLevel.Error, Message = "Directory request failed")]
    private static partial void LogFailure(ILogger log, Exception e);
}
