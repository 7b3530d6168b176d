using System.Text;
using TorRelay.Directory.Cache;

namespace TorRelay.Directory.Tests.Cache;

public sealed class DirectoryHttpRequestTests
{
    [Theory]
    [InlineData("GET /tor/micro/d/abc HTTP/1.0\r\n\r\n", "/tor/micro/d/abc")]
    [InlineData("GET /micro/d/abc HTTP/1.1\r\n\r\n", "/tor/micro/d/abc")]
    [InlineData("GET robots.txt HTTP/1.0\r\n\r\n", "/tor/robots.txt")]
    [InlineData("GET http://127.0.0.1:9030/tor/keys/all HTTP/1.0\r\n\r\n", "/tor/keys/all")]
    [InlineData("GET https://h/tor/keys/all.z HTTP/1.0\r\n\r\n", "/tor/keys/all.z")]
    [InlineData("GET  \t/tor/x \tHTTP/1.0\r\nHost: h\r\n\r\n", "/tor/x")]
    public void RequestLineGivesTheUrlRewrittenUnderTor(string request, string url)
    {
        var r = DirectoryHttpRequest.Parse(request);
        Assert.True(r.IsGet);
        Assert.Equal(url, r.Url);
    }

    [Theory]
    [InlineData("GET /tor/x HTTP/1.0\n\n")] // the version must end in \r
    [InlineData("GET /tor/x HTTP/2.0\r\n\r\n")]
    [InlineData("GET /tor/x HTTP/1.\r\n\r\n")]
    [InlineData("GET /tor/x\r\n\r\n")]
    [InlineData("GET\r\n\r\n")]
    [InlineData("")]
    public void MalformedRequestLinesHaveNoUrl(string request) => Assert.Null(DirectoryHttpRequest.Parse(request).Url);

    [Fact]
    public void HeadersAreFoundCaseInsensitivelyWithTheirValueUpToTheCarriageReturn()
    {
        var r = DirectoryHttpRequest.Parse(
            "GET /tor/x HTTP/1.0\r\nhost: h\r\naccept-encoding: deflate, gzip\r\nIf-Modified-Since: Tue, 01 Jan 2030 12:00:00 GMT\r\n\r\nX-Body: no\r\n");
        Assert.Equal("deflate, gzip", r.GetHeader("Accept-Encoding"));
        Assert.Equal(new DateTimeOffset(2030, 1, 1, 12, 0, 0, TimeSpan.Zero), r.IfModifiedSince);
        Assert.Null(r.GetHeader("X-Body")); // after the end of the headers
        Assert.Null(r.GetHeader("Accept"));
    }

    [Fact]
    public void AcceptEncodingNamesAreCtorsAndIdentityIsAlwaysAccepted()
    {
        Assert.Equal(DirCompression.None, DirCompressions.Best(DirCompressions.ParseAcceptEncoding(null)));
        Assert.Equal(DirCompression.Deflate, DirCompressions.Best(DirCompressions.ParseAcceptEncoding("x-tor-lzma, x-zstd, deflate, gzip, identity")));
        Assert.Equal(DirCompression.Gzip, DirCompressions.Best(DirCompressions.ParseAcceptEncoding(" x-gzip ,bogus")));
        Assert.Equal(DirCompression.None, DirCompressions.Best(DirCompressions.ParseAcceptEncoding("Deflate, zstd")));
    }

    [Fact]
    public void FindEndWaitsForTheBlankLine()
    {
        Assert.Equal(-1, DirectoryHttpRequest.FindEnd("GET /tor/ HTTP/1.0\r\nHost: x\r\n"u8));
        Assert.Equal(31, DirectoryHttpRequest.FindEnd("GET /tor/ HTTP/1.0\r\nHost: x\r\n\r\nbody"u8));
        Assert.Equal(20, DirectoryHttpRequest.FindEnd("GET /tor/ HTTP/1.0\n\nx"u8));
    }

    [Fact]
    public void DeflateRoundTrips()
    {
        byte[] data = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("onion-key\nntor-onion-key AAAA\n", 500)));
        foreach (DirCompression m in Enum.GetValues<DirCompression>())
        {
            byte[] packed = DirCompressions.Compress(data, m);
            Assert.True(DirCompressions.TryDecompress(packed, m, data.Length, out byte[] back));
            Assert.Equal(data, back);
            if (m != DirCompression.None) Assert.True(packed.Length < data.Length / 10);
        }

        Assert.Equal(0x78, DirCompressions.Compress(data, DirCompression.Deflate)[0]); // zlib header, not raw deflate
        Assert.False(DirCompressions.TryDecompress(DirCompressions.Compress(data, DirCompression.Deflate), DirCompression.Deflate, 100, out _));
        Assert.False(DirCompressions.TryDecompress("junk"u8, DirCompression.Deflate, 100, out _));
    }

    [Fact]
    public void JunkNeverThrowsAndIsAnsweredOrClosed()
    {
        var handler = new DirectoryRequestHandler(new DirectoryDocumentStore());
        var random = new Random(1234);
        string[] seeds =
        [
            "GET /tor/status-vote/current/consensus-microdesc/diff/ HTTP/1.0\r\n\r\n",
            "GET /tor/micro/d/----.z HTTP/1.0\r\nAccept-Encoding: ,,,\r\n\r\n",
            "GET /tor/keys/fp-sk/+-+ HTTP/1.0\r\nIf-Modified-Since: \r\n\r\n",
            "GET /tor/server/fp/.z HTTP/1.0\r\nX-Or-Diff-From-Consensus:     \r\n\r\n",
            "GET http:// HTTP/1.0\r\n\r\n",
            "GET /tor/status-vote/current/consensus-/ HTTP/1.0\r\n\r\n",
            "POST\r\n\r\n",
        ];
        var inputs = new List<byte[]>(seeds.Select(Encoding.Latin1.GetBytes)) { new byte[60_000], Array.Empty<byte>() };
        for (int i = 0; i < 2000; i++)
        {
            byte[] b = Encoding.Latin1.GetBytes(seeds[i % seeds.Length]);
            for (int k = random.Next(1, 6); k > 0; k--) b[random.Next(b.Length)] = (byte)random.Next(256);
            inputs.Add(random.Next(4) == 0 ? b[..random.Next(b.Length)] : b);
        }

        foreach (byte[] input in inputs)
        {
            DirectoryResponseBytes r = handler.Handle(input);
            if (r.CloseWithoutResponse) continue;
            Assert.True(RawHttp.Parse(r.ToArray()).Status is 200 or 304 or 400 or 404, r.ToString());
        }
    }
}
