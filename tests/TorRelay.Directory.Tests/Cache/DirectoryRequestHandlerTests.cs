using System.IO.Compression;
using System.Net;
using TorRelay.Directory.Cache;
using TorRelay.Directory.Netdoc;
using TorRelay.Directory.Tests.Consensus;

namespace TorRelay.Directory.Tests.Cache;

/// <summary>Each URL kind of dircache.c against a store of signed synthetic documents.</summary>
public sealed class DirectoryRequestHandlerTests(GencertFixture gencert) : IClassFixture<GencertFixture>
{
    // The next full hour: tor-gencert's certificates are published now and valid for 12 months.
    private static readonly DateTimeOffset ValidAfter = new DateTimeOffset(DateTimeOffset.UtcNow.Year,
        DateTimeOffset.UtcNow.Month, DateTimeOffset.UtcNow.Day, DateTimeOffset.UtcNow.Hour, 0, 0, TimeSpan.Zero).AddHours(1);

    private static string Http(DateTimeOffset t) => t.UtcDateTime.ToString("r", System.Globalization.CultureInfo.InvariantCulture);

    private (TestDocuments Docs, DirectoryDocumentStore Store, FixedTime Time, DirectoryRequestHandler Handler) Setup(
        int signers = 3, TimeSpan? descriptorAge = null)
    {
        var docs = new TestDocuments(gencert, ValidAfter, signers, descriptorAge: descriptorAge);
        DirectoryDocumentStore store = docs.Store(gencert);
        var time = new FixedTime(ValidAfter.AddMinutes(1));
        return (docs, store, time, new DirectoryRequestHandler(store, time));
    }

    [Fact]
    public void ConsensusIsServedByteEqualWithCtorHeaders()
    {
        var (docs, _, time, handler) = Setup();
        foreach (var (url, text) in new[]
                 {
                     ("/tor/status-vote/current/consensus", docs.NsText),
                     ("/tor/status-vote/current/consensus-microdesc", docs.MicrodescText),
                 })
        {
            DirectoryResponseBytes r = handler.Handle($"GET {url} HTTP/1.0\r\nHost: x\r\n\r\n");
            string head = NetdocFormat.Wire.GetString(r.Head.Span);
            Assert.Equal(
                $"HTTP/1.0 200 OK\r\nDate: {Http(ValidAfter.AddMinutes(1))}\r\nContent-Type: text/plain\r\n" +
                $"Content-Encoding: identity\r\nExpires: {Http(ValidAfter.AddMinutes(10))}\r\n" +
                "Vary: X-Or-Diff-From-Consensus\r\n\r\n", head);
            Assert.Equal(NetdocFormat.WireBytes(text), r.Body.ToArray());
        }

        // Past fresh-until the answer may not be cached.
        time.Now = ValidAfter.AddMinutes(20);
        RawHttp late = RawHttp.From(handler, "/tor/status-vote/current/consensus");
        Assert.Equal("no-cache", late.Header("Pragma"));
        Assert.Null(late.Header("Expires"));
    }

    [Theory]
    [InlineData("/tor/status-vote/current/consensus-microdesc.z", "")]
    [InlineData("/tor/status-vote/current/consensus-microdesc", "Accept-Encoding: x-zstd, deflate\r\n")]
    [InlineData("/tor/status-vote/current/consensus-microdesc", "Accept-Encoding: gzip\r\n")] // zlib is all we keep
    public void ConsensusIsDeflatedWhenAsked(string url, string headers)
    {
        var (docs, _, _, handler) = Setup();
        RawHttp r = RawHttp.From(handler, url, headers);
        Assert.Equal("deflate", r.Header("Content-Encoding"));
        using var z = new ZLibStream(new MemoryStream(r.RawBody), CompressionMode.Decompress);
        using var plain = new MemoryStream();
        z.CopyTo(plain);
        Assert.Equal(NetdocFormat.WireBytes(docs.MicrodescText), plain.ToArray());
    }

    [Fact]
    public void FingerprintListNeedsMoreThanHalfOfThoseAuthoritiesAsSigners()
    {
        var (_, _, _, handler) = Setup(signers: 2);
        string[] ids = gencert.Certificates.Select(c => NetdocFormat.Hex(c.IdentityFingerprint)).ToArray();
        string url = "/tor/status-vote/current/consensus-microdesc/";
        Assert.Equal(200, RawHttp.From(handler, url + $"{ids[0][..6]}+{ids[1][..6].ToLowerInvariant()}+{ids[2][..6]}.z").Status);
        Assert.Equal(200, RawHttp.From(handler, url + ids[0]).Status);
        RawHttp refused = RawHttp.From(handler, url + $"{ids[0][..6]}+{ids[2][..6]}+ABCDEF");
        Assert.Equal("HTTP/1.0 404 Consensus not signed by sufficient number of requested authorities", refused.StatusLine);
    }

    [Fact]
    public void DiffRequestsAreAnsweredWithNotModifiedOrTheWholeConsensus()
    {
        var (docs, _, _, handler) = Setup();
        string current = NetdocFormat.Hex(docs.MicrodescConsensus.DigestSha3AsSigned);
        string other = new('A', 64);
        const string Url = "/tor/status-vote/current/consensus-microdesc";
        Assert.Equal("HTTP/1.0 304 Not modified",
            RawHttp.From(handler, Url, $"X-Or-Diff-From-Consensus: {other} {current}\r\n").StatusLine);
        Assert.Equal(200, RawHttp.From(handler, Url, $"X-Or-Diff-From-Consensus: {other} bogus\r\n").Status);
        Assert.Equal("HTTP/1.0 404 No such diff available", RawHttp.From(handler, $"{Url}/diff/{other}").StatusLine);
        Assert.Equal("HTTP/1.0 304 Not modified", RawHttp.From(handler, $"{Url}/diff/{current}").StatusLine);
        Assert.Equal("HTTP/1.0 404 Couldn't parse request", RawHttp.From(handler, $"{Url}/diff/XYZ").StatusLine);
    }

    [Fact]
    public void IfModifiedSinceAfterValidAfterIsNotModified()
    {
        var (_, _, _, handler) = Setup();
        const string Url = "/tor/status-vote/current/consensus";
        Assert.Equal(304, RawHttp.From(handler, Url, $"If-Modified-Since: {Http(ValidAfter.AddSeconds(1))}\r\n").Status);
        Assert.Equal(200, RawHttp.From(handler, Url, $"If-Modified-Since: {Http(ValidAfter)}\r\n").Status);
        Assert.Equal(200, RawHttp.From(handler, Url, "If-Modified-Since: not a date\r\n").Status);
    }

    [Fact]
    public void ConsensusOutsideTheReasonablyLiveDayIsNotServed()
    {
        var (_, _, time, handler) = Setup();
        time.Now = ValidAfter.AddMinutes(30).AddHours(24).AddSeconds(1);
        Assert.Equal("HTTP/1.0 404 Consensus is too old", RawHttp.From(handler, "/tor/status-vote/current/consensus").StatusLine);
        time.Now = ValidAfter.AddHours(-24).AddSeconds(-1);
        Assert.Equal("HTTP/1.0 404 Consensus is too new", RawHttp.From(handler, "/tor/status-vote/current/consensus").StatusLine);
        time.Now = ValidAfter.AddHours(-23);
        Assert.Equal(200, RawHttp.From(handler, "/tor/status-vote/current/consensus").Status);
    }

    [Fact]
    public void WithoutAConsensusEverythingIsNotFound()
    {
        var handler = new DirectoryRequestHandler(new DirectoryDocumentStore());
        foreach (string url in new[]
                 {
                     "/tor/status-vote/current/consensus", "/tor/status-vote/current/consensus-microdesc",
                     "/tor/micro/d/" + NetdocFormat.Base64NoPad(new byte[32]), "/tor/keys/all", "/tor/server/authority",
                 })
            Assert.Equal(404, RawHttp.From(handler, url).Status);
        Assert.Equal("HTTP/1.0 404 Servers unavailable", RawHttp.From(handler, "/tor/server/all").StatusLine);
    }

    [Fact]
    public void MicrodescriptorsComeInDigestOrderAndUnknownOnesAreSkipped()
    {
        var (docs, _, _, handler) = Setup();
        var byDigest = docs.Microdescriptors.OrderBy(m => TestDocuments.MicrodescDigest(m), new BytewiseComparer()).ToList();
        string url = "/tor/micro/d/" + string.Join('-', docs.Microdescriptors.Select(m => NetdocFormat.Base64NoPad(TestDocuments.MicrodescDigest(m)))
            .Reverse().Append(NetdocFormat.Base64NoPad(new byte[32])).Append("junk"));
        RawHttp r = RawHttp.From(handler, url);
        Assert.Equal(200, r.Status);
        Assert.Equal(string.Concat(byDigest), r.BodyText);
        Assert.Null(r.Header("Content-Length"));
        Assert.Equal(Http(ValidAfter.AddMinutes(1).AddHours(48)), r.Header("Expires"));

        RawHttp z = RawHttp.From(handler, url + ".z");
        Assert.Equal("deflate", z.Header("Content-Encoding"));
        Assert.Equal(string.Concat(byDigest), z.BodyText);
        RawHttp gz = RawHttp.From(handler, url, "Accept-Encoding: gzip\r\n");
        Assert.Equal("gzip", gz.Header("Content-Encoding"));
        Assert.Equal(string.Concat(byDigest), gz.BodyText);

        Assert.Equal("HTTP/1.0 404 Not found",
            RawHttp.From(handler, "/tor/micro/d/" + NetdocFormat.Base64NoPad(new byte[32])).StatusLine);
    }

    [Fact]
    public void ServerDescriptorsByDigestFingerprintAllAndAuthority()
    {
        var (docs, store, _, handler) = Setup();
        string D(int i) => NetdocFormat.Hex(TestDocuments.DescriptorDigest(docs.Descriptors[i]));
        string F(int i) => NetdocFormat.Hex(docs.Identities[i]);

        RawHttp one = RawHttp.From(handler, "/tor/server/d/" + D(1).ToLowerInvariant());
        Assert.Equal(docs.Descriptors[1], one.BodyText);
        Assert.NotNull(one.Header("Expires"));
        Assert.Equal(docs.Descriptors[2], RawHttp.From(handler, "/tor/server/fp/" + F(2)).BodyText);

        // Two asked for, one known: served, but not cacheable (the spool counted both).
        RawHttp two = RawHttp.From(handler, $"/tor/server/fp/{F(0)}+{new string('0', 40)}");
        Assert.Equal(docs.Descriptors[0], two.BodyText);
        Assert.Equal("no-cache", two.Header("Pragma"));
        Assert.Equal("HTTP/1.0 404 Not found", RawHttp.From(handler, "/tor/server/d/" + new string('0', 40)).StatusLine);
        Assert.Equal("HTTP/1.0 404 Servers unavailable", RawHttp.From(handler, "/tor/server/d/nothex").StatusLine);
        Assert.Equal("HTTP/1.0 404 Not found", RawHttp.From(handler, "/tor/server/bogus").StatusLine);
        Assert.Equal("HTTP/1.0 404 Not found", RawHttp.From(handler, "/tor/extra/d/" + D(0)).StatusLine);

        Assert.Equal(string.Concat(docs.Descriptors), RawHttp.From(handler, "/tor/server/all").BodyText);
        Assert.Equal(404, RawHttp.From(handler, "/tor/server/authority").Status);
        string own = docs.Descriptors[0] + "\n"; // as router_dump_router_to_string writes it
        Assert.True(store.SetOwnServerDescriptor(own));
        Assert.Equal(own, RawHttp.From(handler, "/tor/server/authority").BodyText);
        Assert.False(store.SetOwnServerDescriptor("not a descriptor"));
    }

    [Fact]
    public void DescriptorsPublishedOverADayAgoAreNotServedByFingerprint()
    {
        var (docs, _, _, handler) = Setup(descriptorAge: TimeSpan.FromHours(25));
        Assert.Equal(404, RawHttp.From(handler, "/tor/server/fp/" + NetdocFormat.Hex(docs.Identities[0])).Status);
        Assert.Equal(200, RawHttp.From(handler, "/tor/server/d/" + NetdocFormat.Hex(TestDocuments.DescriptorDigest(docs.Descriptors[0]))).Status);
    }

    [Fact]
    public void KeyCertificatesByAllFingerprintSigningKeyAndPair()
    {
        var (_, _, _, handler) = Setup();
        var certs = gencert.Certificates;
        RawHttp all = RawHttp.From(handler, "/tor/keys/all");
        Assert.Equal(string.Concat(certs.Select(c => c.Text)), all.BodyText);
        Assert.Equal(all.RawBody.Length.ToString(), all.Header("Content-Length"));
        Assert.NotNull(all.Header("Expires"));

        var sorted = certs.OrderBy(c => c.IdentityFingerprint, new BytewiseComparer()).ToList();
        Assert.Equal(string.Concat(sorted.Select(c => c.Text)),
            RawHttp.From(handler, "/tor/keys/fp/" + string.Join('+', certs.Select(c => NetdocFormat.Hex(c.IdentityFingerprint)))).BodyText);
        Assert.Equal(certs[1].Text, RawHttp.From(handler, "/tor/keys/sk/" + NetdocFormat.Hex(certs[1].SigningKeyDigest)).BodyText);
        Assert.Equal(certs[2].Text, RawHttp.From(handler,
            $"/tor/keys/fp-sk/{NetdocFormat.Hex(certs[2].IdentityFingerprint)}-{NetdocFormat.Hex(certs[2].SigningKeyDigest)}.z").BodyText);
        Assert.Equal(404, RawHttp.From(handler,
            $"/tor/keys/fp-sk/{NetdocFormat.Hex(certs[2].IdentityFingerprint)}-{NetdocFormat.Hex(certs[1].SigningKeyDigest)}").Status);
        RawHttp deflated = RawHttp.From(handler, "/tor/keys/all.z");
        Assert.Null(deflated.Header("Content-Length"));
        Assert.Equal(all.BodyText, deflated.BodyText);
        Assert.Equal("HTTP/1.0 400 Bad request", RawHttp.From(handler, "/tor/keys/what").StatusLine);
        Assert.Equal(404, RawHttp.From(handler, "/tor/keys/authority").Status);
        Assert.Equal("HTTP/1.0 304 Not modified",
            RawHttp.From(handler, "/tor/keys/all", "If-Modified-Since: Fri, 01 Jan 2100 00:00:00 GMT\r\n").StatusLine);
    }

    [Fact]
    public void RobotsAndUnknownUrls()
    {
        var (_, _, _, handler) = Setup();
        RawHttp robots = RawHttp.From(handler, "/robots.txt");
        Assert.Equal("User-agent: *\r\nDisallow: /\r\n", robots.BodyText);
        Assert.Equal("28", robots.Header("Content-Length"));
        foreach (string url in new[] { "/", "/tor/", "/tor/status-vote/current/d", "/tor/status-vote/next/consensus", "/tor/hs/3/x", "/x" })
            Assert.Equal("HTTP/1.0 404 Not found", RawHttp.From(handler, url).StatusLine);
    }

    [Fact]
    public void YourAddressIsReportedOnlyToPeersThatAreNotLocal()
    {
        var (docs, store, time, _) = Setup();
        var handler = new DirectoryRequestHandler(store, time,
            new DirectoryRequestHandlerOptions { OurAddress = IPAddress.Parse("198.51.100.7") });
        const string Url = "/tor/status-vote/current/consensus";
        RawHttp r = RawHttp.From(handler, Url, peer: IPAddress.Parse("203.0.113.9"));
        Assert.Equal(["Date", "Content-Type", "X-Your-Address-Is", "Content-Encoding", "Expires", "Vary"], r.HeaderNames);
        Assert.Equal("203.0.113.9", r.Header("X-Your-Address-Is"));
        Assert.Equal("2001:db8::1", RawHttp.From(handler, Url, peer: IPAddress.Parse("2001:db8::1")).Header("X-Your-Address-Is"));
        foreach (string local in new[] { "127.0.0.1", "10.1.2.3", "192.168.0.1", "172.20.0.1", "100.64.0.1", "198.51.100.200", "::1", "fe80::1", "fd00::1" })
            Assert.Null(RawHttp.From(handler, Url, peer: IPAddress.Parse(local)).Header("X-Your-Address-Is"));
        Assert.Equal(NetdocFormat.WireBytes(docs.NsText), r.Body);
    }

    [Fact]
    public void OnlyGetIsServed()
    {
        var (_, _, _, handler) = Setup();
        Assert.Equal("HTTP/1.0 400 Nonauthoritative directory does not accept posted server descriptors",
            RawHttp.Parse(handler.Answer("POST /tor/ HTTP/1.0\r\nContent-Length: 0\r\n\r\n"u8)).StatusLine);
        Assert.True(handler.Handle("PUT /tor/keys/all HTTP/1.0\r\n\r\n").CloseWithoutResponse);
        Assert.Empty(handler.Answer("HEAD /tor/keys/all HTTP/1.0\r\n\r\n"u8));
        // C tor looks at the first three bytes only, case-insensitively.
        Assert.Equal(200, RawHttp.Parse(handler.Answer("get /tor/keys/all HTTP/1.0\r\n\r\n"u8)).Status);
        RawHttp bad = RawHttp.Parse(handler.Answer("GET /tor/keys/all HTTP/2\r\n\r\n"u8));
        Assert.Equal("HTTP/1.0 400 Bad request", bad.StatusLine);
        Assert.Equal(["Date"], bad.HeaderNames);
    }

    private sealed class BytewiseComparer : IComparer<byte[]>
    {
        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }
}
