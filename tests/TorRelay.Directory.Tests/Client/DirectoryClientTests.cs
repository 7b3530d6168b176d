using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Text;
using TorRelay.Directory.Client;

namespace TorRelay.Directory.Tests.Client;

/// <summary>DirectoryClient against a one-shot HTTP/1.0 server on 127.0.0.1 that answers as a C tor DirPort does.</summary>
public sealed class DirectoryClientTests
{
    private sealed class OneShotServer : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);

        public OneShotServer(Func<string, byte[], byte[]?> respond)
        {
            _listener.Start();
            Request = Task.Run(async () =>
            {
                using TcpClient c = await _listener.AcceptTcpClientAsync();
                NetworkStream s = c.GetStream();
                var buf = new MemoryStream();
                var chunk = new byte[4096];
                string head = "";
                byte[] body = [];
                while (true)
                {
                    int n = await s.ReadAsync(chunk);
                    if (n == 0) break;
                    buf.Write(chunk, 0, n);
                    string all = Encoding.Latin1.GetString(buf.ToArray());
                    int end = all.IndexOf("\r\n\r\n", StringComparison.Ordinal);
                    if (end < 0) continue;
                    head = all[..end];
                    var m = System.Text.RegularExpressions.Regex.Match(head, "Content-Length: (\\d+)");
                    int len = m.Success ? int.Parse(m.Groups[1].Value) : 0;
                    if (buf.Length < end + 4 + len) continue;
                    body = buf.ToArray()[(end + 4)..(end + 4 + len)];
                    break;
                }

                byte[]? answer = respond(head, body);
                if (answer is null)
                {
                    await Task.Delay(5000);
                    return (head, body);
                }

                await s.WriteAsync(answer);
                c.Client.Shutdown(SocketShutdown.Send);
                return (head, body);
            });
        }

        public Task<(string Head, byte[] Body)> Request { get; }
        public DirectoryAuthority Authority => new("fake", (IPEndPoint)_listener.LocalEndpoint, null, null, new byte[20], []);
        public void Dispose() => _listener.Stop();
    }

    private static byte[] Http10(string status, string body, string extraHeaders = "")
        => Encoding.Latin1.GetBytes($"HTTP/1.0 {status}\r\nContent-Type: text/plain\r\n{extraHeaders}\r\n{body}");

    [Fact]
    public async Task UploadPostsTheBodyToSlashTorAsHttp10()
    {
        using var server = new OneShotServer((_, _) => Http10("200 OK", ""));
        using var client = new DirectoryClient();
        DirectoryResponse r = await client.UploadDescriptorAsync(server.Authority, "router x\nextra-info y\n");
        Assert.True(r.IsSuccess, r.ToString());
        var (head, body) = await server.Request;
        Assert.StartsWith("POST /tor/ HTTP/1.0\r\n", head);
        Assert.Contains("Content-Length: 22", head);
        Assert.Equal("router x\nextra-info y\n", Encoding.Latin1.GetString(body));
    }

    [Fact]
    public async Task RejectionReasonComesBackAsReasonPhrase()
    {
        using var server = new OneShotServer((_, _) => Http10("400 Missing TAP key in descriptor.", ""));
        using var client = new DirectoryClient();
        DirectoryResponse r = await client.UploadDescriptorAsync(server.Authority, "router x\n");
        Assert.Equal(400, r.StatusCode);
        Assert.Equal("Missing TAP key in descriptor.", r.ReasonPhrase);
        Assert.False(r.IsSuccess);
    }

    [Fact]
    public async Task FetchConsensusRequestsTheMicrodescFlavour()
    {
        using var server = new OneShotServer((_, _) => Http10("200 OK", "network-status-version 3 microdesc\n"));
        using var client = new DirectoryClient();
        DirectoryResponse r = await client.FetchConsensusAsync(server.Authority);
        Assert.Equal("network-status-version 3 microdesc\n", r.Body);
        Assert.StartsWith("GET /tor/status-vote/current/consensus-microdesc HTTP/1.0\r\n", (await server.Request).Head);
    }

    [Fact]
    public async Task FetchCertificatesByFingerprint()
    {
        using var server = new OneShotServer((_, _) => Http10("404 Not found", ""));
        using var client = new DirectoryClient();
        DirectoryResponse r = await client.FetchAuthorityCertificatesAsync(server.Authority, [new byte[20], Enumerable.Repeat((byte)0xAB, 20).ToArray()]);
        Assert.Equal(404, r.StatusCode);
        Assert.StartsWith($"GET /tor/keys/fp/{new string('0', 40)}+{string.Concat(Enumerable.Repeat("AB", 20))} HTTP/1.0",
            (await server.Request).Head);
    }

    [Fact]
    public async Task DeflateIsRequestedWithDotZAndInflated()
    {
        var z = new MemoryStream();
        using (var zs = new ZLibStream(z, CompressionLevel.Optimal, leaveOpen: true)) zs.Write("hello\n"u8);
        using var server = new OneShotServer((_, _) =>
            Http10("200 OK", "", "Content-Encoding: deflate\r\n").Concat(z.ToArray()).ToArray());
        using var client = new DirectoryClient(new DirectoryClientOptions { RequestDeflate = true });
        DirectoryResponse r = await client.GetAsync(server.Authority, "/tor/keys/all");
        Assert.Equal("hello\n", r.Body);
        Assert.StartsWith("GET /tor/keys/all.z HTTP/1.0", (await server.Request).Head);
    }

    [Fact]
    public async Task BodyIsKeptByteForByte()
    {
        using var server = new OneShotServer((_, _) =>
            Encoding.Latin1.GetBytes("HTTP/1.0 200 OK\r\n\r\n").Concat(new byte[] { 0xC3, 0xBC, 0xFF }).ToArray());
        using var client = new DirectoryClient();
        DirectoryResponse r = await client.GetAsync(server.Authority, "/tor/server/authority");
        Assert.Equal(new byte[] { 0xC3, 0xBC, 0xFF }, Encoding.Latin1.GetBytes(r.Body!));
    }

    [Fact]
    public async Task TimeoutIsReportedNotThrown()
    {
        using var server = new OneShotServer((_, _) => null);
        using var client = new DirectoryClient(new DirectoryClientOptions { Timeout = TimeSpan.FromMilliseconds(300) });
        DirectoryResponse r = await client.FetchConsensusAsync(server.Authority);
        Assert.Equal(0, r.StatusCode);
        Assert.Equal("timed out", r.Error);
    }

    [Fact]
    public async Task ConnectionRefusedIsReportedNotThrown()
    {
        int port;
        using (var l = new TcpListener(IPAddress.Loopback, 0))
        {
            l.Start();
            port = ((IPEndPoint)l.LocalEndpoint).Port;
        }

        using var client = new DirectoryClient();
        var a = new DirectoryAuthority("gone", new IPEndPoint(IPAddress.Loopback, port), null, null, new byte[20], []);
        DirectoryResponse r = await client.UploadDescriptorAsync(a, "router x\n");
        Assert.Equal(0, r.StatusCode);
        Assert.NotNull(r.Error);
    }

    [Fact]
    public async Task OversizedBodyIsRefused()
    {
        using var server = new OneShotServer((_, _) => Http10("200 OK", new string('x', 5000)));
        using var client = new DirectoryClient(new DirectoryClientOptions { MaxResponseBytes = 1000 });
        DirectoryResponse r = await client.GetAsync(server.Authority, "/tor/keys/all");
        Assert.Equal(0, r.StatusCode);
        Assert.Contains("too large", r.Error);
    }

    [Fact]
    public async Task CallerCancellationPropagates()
    {
        using var server = new OneShotServer((_, _) => null);
        using var client = new DirectoryClient();
        using var cts = new CancellationTokenSource(200);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.FetchConsensusAsync(server.Authority,
            cancellationToken: cts.Token));
    }
}
