using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;

namespace TorRelay.Metrics.Tests;

public sealed class MetricsPortServerTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private readonly string _prefix = TestMeters.UniquePrefix();
    private Meter _meter = null!;
    private PrometheusExporter _exporter = null!;

    public Task InitializeAsync()
    {
        _meter = new Meter(_prefix);
        _exporter = TestMeters.Exporter(_prefix);
        _meter.CreateCounter<long>("tor_relay_served_total", null, "Served").Add(42);
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        _exporter.Dispose();
        _meter.Dispose();
        return Task.CompletedTask;
    }

    private async Task<MetricsPortServer> StartAsync(params string[] policy)
    {
        var server = new MetricsPortServer(new IPEndPoint(IPAddress.Loopback, 0), policy, _exporter, NullLogger.Instance)
        {
            RequestTimeout = TimeSpan.FromSeconds(5),
        };
        await server.StartAsync();
        return server;
    }

    /// <summary>Sends raw bytes and reads until the server closes; the whole answer as text.</summary>
    private static async Task<string> ExchangeAsync(IPEndPoint endPoint, string request)
    {
        using var cts = new CancellationTokenSource(Timeout);
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(endPoint, cts.Token);
        await client.SendAsync(Encoding.ASCII.GetBytes(request), SocketFlags.None, cts.Token);
        var received = new MemoryStream();
        byte[] buffer = new byte[4096];
        int n;
        while ((n = await client.ReceiveAsync(buffer, SocketFlags.None, cts.Token)) > 0)
            received.Write(buffer, 0, n);
        return Encoding.UTF8.GetString(received.ToArray());
    }

    [Fact]
    public async Task Get_metrics_answers_the_exposition_with_the_prometheus_content_type()
    {
        await using MetricsPortServer server = await StartAsync("accept 127.0.0.1");
        using var http = new HttpClient { Timeout = Timeout };

        using HttpResponseMessage response = await http.GetAsync($"http://127.0.0.1:{server.LocalEndPoint!.Port}/metrics");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        string body = await response.Content.ReadAsStringAsync();
        Assert.Contains("# TYPE tor_relay_served_total counter\ntor_relay_served_total 42\n", body);
        Assert.Equal(Encoding.UTF8.GetByteCount(body), response.Content.Headers.ContentLength);
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\nHost: x\r\n\r\n", "HTTP/1.1 404 Not Found\r\n")]
    [InlineData("GET /metrics/ HTTP/1.1\r\n\r\n", "HTTP/1.1 404 Not Found\r\n")]
    [InlineData("GET /metricsx HTTP/1.0\r\n\r\n", "HTTP/1.1 404 Not Found\r\n")]
    [InlineData("POST /metrics HTTP/1.1\r\nContent-Length: 0\r\n\r\n", "HTTP/1.1 405 Method Not Allowed\r\n")]
    [InlineData("GET /metrics\r\n\r\n", "HTTP/1.1 400 Bad Request\r\n")]
    [InlineData("GET /metrics SPDY/3\r\n\r\n", "HTTP/1.1 400 Bad Request\r\n")]
    [InlineData("GET http://127.0.0.1/metrics HTTP/1.1\r\n\r\n", "HTTP/1.1 200 OK\r\n")]
    [InlineData("GET /metrics HTTP/1.0\r\n\r\n", "HTTP/1.1 200 OK\r\n")]
    public async Task Requests_are_answered_as_tor_answers_them(string request, string statusLine)
    {
        await using MetricsPortServer server = await StartAsync("accept 127.0.0.0/8");

        string answer = await ExchangeAsync(server.LocalEndPoint!, request);

        Assert.StartsWith(statusLine, answer);
        Assert.Contains("\r\nConnection: close\r\n", answer);
    }

    [Fact]
    public async Task An_oversized_request_head_gets_400()
    {
        await using MetricsPortServer server = await StartAsync("accept 127.0.0.1");
        string request = "GET /metrics HTTP/1.1\r\nX-Big: " + new string('a', MetricsPortServer.MaxRequestHeadBytes) + "\r\n\r\n";

        string answer = await ExchangeAsync(server.LocalEndPoint!, request);

        Assert.StartsWith("HTTP/1.1 400 Bad Request\r\n", answer);
    }

    [Theory]
    [InlineData("")] // no MetricsPortPolicy: tor rejects everyone
    [InlineData("reject 127.0.0.1;accept *")]
    [InlineData("accept 10.0.0.0/8")]
    [InlineData("accept [::1]")]
    public async Task A_client_the_policy_refuses_is_closed_without_an_answer(string policy)
    {
        await using MetricsPortServer server = await StartAsync(policy.Split(';', StringSplitOptions.RemoveEmptyEntries));

        string answer = await ExchangeAsync(server.LocalEndPoint!, "GET /metrics HTTP/1.1\r\n\r\n");

        Assert.Equal("", answer);
    }

    [Fact]
    public async Task A_silent_client_is_dropped_after_the_request_timeout()
    {
        await using var server = new MetricsPortServer(new IPEndPoint(IPAddress.Loopback, 0), ["accept 127.0.0.1"], _exporter, NullLogger.Instance)
        {
            RequestTimeout = TimeSpan.FromMilliseconds(300),
        };
        await server.StartAsync();
        using var cts = new CancellationTokenSource(Timeout);
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(server.LocalEndPoint!, cts.Token);

        int n = await client.ReceiveAsync(new byte[16], SocketFlags.None, cts.Token);

        Assert.Equal(0, n);
    }

    [Fact]
    public async Task Many_concurrent_clients_are_all_served()
    {
        await using MetricsPortServer server = await StartAsync("accept 127.0.0.1");

        string[] answers = await Task.WhenAll(Enumerable.Range(0, 20)
            .Select(_ => ExchangeAsync(server.LocalEndPoint!, "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")));

        Assert.All(answers, a => Assert.Contains("tor_relay_served_total 42\n", a));
    }

    [Fact]
    public async Task Stopping_closes_the_port_and_open_connections()
    {
        MetricsPortServer server = await StartAsync("accept 127.0.0.1");
        IPEndPoint endPoint = server.LocalEndPoint!;
        using var idle = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await idle.ConnectAsync(endPoint);
        await Task.Delay(100);

        await server.StopAsync().WaitAsync(Timeout);
        await server.DisposeAsync();

        using var cts = new CancellationTokenSource(Timeout);
        Assert.Equal(0, await idle.ReceiveAsync(new byte[16], SocketFlags.None, cts.Token));
        using var late = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await Assert.ThrowsAsync<SocketException>(async () => await late.ConnectAsync(endPoint));
    }

    [Fact]
    public void A_malformed_policy_is_refused_at_construction()
    {
        Assert.Throws<FormatException>(() =>
            new MetricsPortServer(new IPEndPoint(IPAddress.Loopback, 0), ["accept 300.0.0.1"], _exporter, NullLogger.Instance));
    }
}
