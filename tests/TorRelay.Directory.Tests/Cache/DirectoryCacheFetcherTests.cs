using System.Net;
using TorRelay.Directory.Cache;
using TorRelay.Directory.Client;
using TorRelay.Directory.Netdoc;
using TorRelay.Directory.Tests.Consensus;

namespace TorRelay.Directory.Tests.Cache;

/// <summary>The fetcher against a stub authority serving synthetic documents (no sockets).</summary>
public sealed class DirectoryCacheFetcherTests(GencertFixture gencert) : IClassFixture<GencertFixture>
{
    [Fact]
    public async Task FetchesBothConsensusesAndEveryListedDocumentInBatches()
    {
        var docs = new TestDocuments(gencert, DateTimeOffset.UtcNow.AddMinutes(-1));
        var stub = new StubAuthority(docs, gencert);
        var store = new DirectoryDocumentStore();
        var fetcher = Fetcher(store, stub);

        Assert.True(await fetcher.RefreshAsync(CancellationToken.None));
        DirectoryCacheSnapshot s = store.Current;
        Assert.Equal(NetdocFormat.WireBytes(docs.NsText), s.NsConsensus!.Bytes);
        Assert.Equal(NetdocFormat.WireBytes(docs.MicrodescText), s.MicrodescConsensus!.Bytes);
        Assert.Equal(3, s.MicrodescriptorCount);
        Assert.Equal(3, s.ServerDescriptorCount);
        Assert.Equal(3, s.Certificates.Length);
        // Batches of two, digests sorted, separated as C tor does.
        Assert.Equal(2, stub.Paths.Count(p => p.StartsWith("/tor/micro/d/", StringComparison.Ordinal)));
        Assert.Equal(2, stub.Paths.Count(p => p.StartsWith("/tor/server/d/", StringComparison.Ordinal)));
        Assert.Contains(stub.Paths, p => p.StartsWith("/tor/micro/d/", StringComparison.Ordinal) && p.Contains('-'));
        Assert.Contains(stub.Paths, p => p.StartsWith("/tor/server/d/", StringComparison.Ordinal) && p.Contains('+'));

        // Fresh: a second pass fetches nothing.
        int before = stub.Paths.Count;
        Assert.True(await fetcher.RefreshAsync(CancellationToken.None));
        Assert.Equal(before, stub.Paths.Count);
    }

    [Fact]
    public async Task UnverifiableConsensusesAndWrongDocumentsAreNotStored()
    {
        var docs = new TestDocuments(gencert, DateTimeOffset.UtcNow.AddMinutes(-1));
        var stub = new StubAuthority(docs, gencert) { ServeWrongDocuments = true, TamperConsensus = true };
        var store = new DirectoryDocumentStore();
        Assert.False(await Fetcher(store, stub).RefreshAsync(CancellationToken.None));
        Assert.Null(store.Current.NsConsensus);
        Assert.Null(store.Current.MicrodescConsensus);

        var good = new TestDocuments(gencert, DateTimeOffset.UtcNow.AddMinutes(-1));
        stub = new StubAuthority(good, gencert) { ServeWrongDocuments = true };
        Assert.False(await Fetcher(store, stub).RefreshAsync(CancellationToken.None));
        Assert.NotNull(store.Current.NsConsensus);
        Assert.Equal(0, store.Current.MicrodescriptorCount);
        Assert.Equal(0, store.Current.ServerDescriptorCount);
    }

    [Fact]
    public async Task UnreachableAuthoritiesAreRetriedWithoutThrowingAndTheLoopStopsWhenCancelled()
    {
        var docs = new TestDocuments(gencert, DateTimeOffset.UtcNow.AddMinutes(-1));
        var stub = new StubAuthority(docs, gencert) { Down = true };
        var store = new DirectoryDocumentStore();
        var fetcher = Fetcher(store, stub, new DirectoryCacheFetcherOptions { MinRetry = TimeSpan.FromMilliseconds(50) });
        using var cts = new CancellationTokenSource();
        Task loop = fetcher.RunAsync(cts.Token);
        await WaitUntil(() => stub.Paths.Count >= 4);
        Assert.Null(store.Current.MicrodescConsensus);
        stub.Down = false;
        fetcher.Wake();
        await WaitUntil(() => store.Current.ServerDescriptorCount == 3);
        await cts.CancelAsync();
        await loop.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(3, store.Current.MicrodescriptorCount);
    }

    private DirectoryCacheFetcher Fetcher(DirectoryDocumentStore store, StubAuthority stub,
        DirectoryCacheFetcherOptions? options = null)
        => new(store, new DirectoryClient(new HttpClient(stub)), gencert.Authorities, TimeProvider.System,
            (options ?? new DirectoryCacheFetcherOptions()) with { MicrodescriptorsPerRequest = 2, DescriptorsPerRequest = 2 });

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out");
            await Task.Delay(20);
        }
    }

    /// <summary>Answers like a C tor DirPort from <see cref="TestDocuments"/>, recording each path.</summary>
    private sealed class StubAuthority(TestDocuments docs, GencertFixture gencert) : HttpMessageHandler
    {
        private readonly DirectoryRequestHandler _handler = new(docs.Store(gencert));

        public List<string> Paths { get; } = [];
        public bool Down { get; set; }
        public bool ServeWrongDocuments { get; set; }
        public bool TamperConsensus { get; set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            string path = request.RequestUri!.AbsolutePath;
            lock (Paths) Paths.Add(path);
            if (Down) throw new HttpRequestException("connection refused");
            var http = new HttpResponseMessage(HttpStatusCode.OK);
            if (ServeWrongDocuments && (path.StartsWith("/tor/micro/", StringComparison.Ordinal) || path.StartsWith("/tor/server/", StringComparison.Ordinal)))
            {
                http.Content = new StringContent(path.StartsWith("/tor/micro/", StringComparison.Ordinal)
                    ? "onion-key\nntor-onion-key AAAA\n"
                    : docs.Descriptors[0].Replace("test0", "evil0", StringComparison.Ordinal));
                return Task.FromResult(http);
            }

            RawHttp r = RawHttp.Parse(_handler.Answer(NetdocFormat.Wire.GetBytes($"GET {path} HTTP/1.0\r\n\r\n")));
            http.StatusCode = (HttpStatusCode)r.Status;
            byte[] body = r.Body;
            if (TamperConsensus && path.Contains("consensus", StringComparison.Ordinal))
                body = NetdocFormat.WireBytes(NetdocFormat.Wire.GetString(body).Replace("Bandwidth=20", "Bandwidth=99"));
            http.Content = new ByteArrayContent(body);
            return Task.FromResult(http);
        }
    }
}
