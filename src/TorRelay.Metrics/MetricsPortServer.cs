using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;
using TorRelay.Metrics.Http;

namespace TorRelay.Metrics;

/// <summary>
/// The MetricsPort: a minimal HTTP/1.1 server on a plain socket answering <c>GET /metrics</c> with
/// the exporter's text exposition, one request per connection (Connection: close, as C tor closes
/// after answering). A client MetricsPortPolicy refuses is closed without an answer once its first
/// bytes arrive, as C tor's metrics_connection_process_inbuf does. Request heads are bounded in size
/// and time, clients in number; stopping closes the listener and every connection.
/// </summary>
public sealed class MetricsPortServer : IAsyncDisposable
{
    /// <summary>Largest request head (request line and headers) read; longer ones get 400.</summary>
    public const int MaxRequestHeadBytes = 8192;

    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(2);

    private readonly IPEndPoint _endpoint;
    private readonly MetricsPortPolicy _policy;
    private readonly PrometheusExporter _exporter;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<Task, byte> _connections = new();
    private readonly CancellationTokenSource _stopping = new();
    private Socket? _listener;
    private Task _acceptLoop = Task.CompletedTask;
    private int _active;
    private int _state; // 0 new, 1 started, 2 stopped

    /// <summary>
    /// <paramref name="policy"/> holds MetricsPortPolicy entries ("accept 127.0.0.1", "reject *", ...);
    /// empty refuses everyone, as tor's default. Throws <see cref="FormatException"/> on a malformed entry.
    /// </summary>
    public MetricsPortServer(IPEndPoint endpoint, IReadOnlyList<string> policy, PrometheusExporter exporter, ILogger logger)
        : this(endpoint, MetricsPortPolicy.Parse(policy), exporter, logger)
    {
        if (policy.Count == 0)
            MetricsPortLog.RejectsEveryone(logger, endpoint);
    }

    public MetricsPortServer(IPEndPoint endpoint, MetricsPortPolicy policy, PrometheusExporter exporter, ILogger logger)
    {
        _endpoint = endpoint ?? throw new ArgumentNullException(nameof(endpoint));
        _policy = policy ?? throw new ArgumentNullException(nameof(policy));
        _exporter = exporter ?? throw new ArgumentNullException(nameof(exporter));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    /// <summary>Time a client has to send its request head (and, separately, to take the answer).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Connections served at once; further ones are closed at once.</summary>
    public int MaxConcurrentClients { get; init; } = 32;

    /// <summary>The bound address (the real port when the endpoint's port was 0); null before start.</summary>
    public IPEndPoint? LocalEndPoint { get; private set; }

    /// <summary>Binds the endpoint and starts accepting. Throws <see cref="SocketException"/> if the bind fails.</summary>
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
            throw new InvalidOperationException("The MetricsPort server was already started.");
        var listener = new Socket(_endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (_endpoint.AddressFamily == AddressFamily.InterNetworkV6)
                listener.DualMode = false; // as tor's IPV6_V6ONLY listeners: IPv4 clients never arrive here
            listener.Bind(_endpoint);
            listener.Listen(128);
        }
        catch
        {
            listener.Dispose();
            throw;
        }
        _listener = listener;
        LocalEndPoint = (IPEndPoint)listener.LocalEndPoint!;
        MetricsPortLog.Listening(_logger, LocalEndPoint);
        _acceptLoop = AcceptLoopAsync(listener, _stopping.Token);
        return Task.CompletedTask;
    }

    /// <summary>Stops accepting, closes open connections and waits for them (or for the token).</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _state, 2) != 1)
            return;
        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener?.Dispose();
        Task all = Task.WhenAll(_connections.Keys.Append(_acceptLoop));
        await all.WaitAsync(cancellationToken).ConfigureAwait(false);
        MetricsPortLog.Stopped(_logger, LocalEndPoint!);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task AcceptLoopAsync(Socket listener, CancellationToken stopping)
    {
        await Task.Yield();
        while (!stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(stopping).ConfigureAwait(false);
            }
            catch (Exception e) when (stopping.IsCancellationRequested && e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            catch (SocketException e)
            {
                // Out of descriptors and the like: back off instead of spinning.
                MetricsPortLog.AcceptFailed(_logger, e);
                try
                {
                    await Task.Delay(100, stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                continue;
            }

            int active = Interlocked.Increment(ref _active);
            if (active > MaxConcurrentClients)
            {
                Interlocked.Decrement(ref _active);
                MetricsPortLog.TooManyClients(_logger, active - 1);
                client.Dispose();
                continue;
            }
            Task connection = ServeAsync(client, stopping);
            _connections.TryAdd(connection, 0);
            _ = connection.ContinueWith(
                static (t, s) => ((ConcurrentDictionary<Task, byte>)s!).TryRemove(t, out _),
                _connections, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private async Task ServeAsync(Socket client, CancellationToken stopping)
    {
        await Task.Yield(); // leave the accept loop at once
        try
        {
            client.NoDelay = true;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            timeout.CancelAfter(RequestTimeout);
            byte[] buffer = new byte[MaxRequestHeadBytes];

            if (client.RemoteEndPoint is not IPEndPoint remote || !_policy.Permits(remote.Address))
            {
                // tor decides when the first bytes arrive, then closes without answering.
                await client.ReceiveAsync(buffer, SocketFlags.None, timeout.Token).ConfigureAwait(false);
                MetricsPortLog.Refused(_logger);
                return;
            }

            int length = 0;
            int headEnd;
            while ((headEnd = buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8)) < 0)
            {
                if (length == buffer.Length)
                    break;
                int n = await client.ReceiveAsync(buffer.AsMemory(length), SocketFlags.None, timeout.Token).ConfigureAwait(false);
                if (n == 0)
                    return; // the client gave up before finishing its request
                length += n;
            }

            MetricsRequestKind kind = headEnd < 0
                ? MetricsRequestKind.BadRequest
                : MetricsRequest.Classify(buffer.AsSpan(0, headEnd + 4));
            byte[] response = BuildResponse(kind, out int status);

            timeout.CancelAfter(RequestTimeout);
            await SendAllAsync(client, response, timeout.Token).ConfigureAwait(false);
            MetricsPortLog.Answered(_logger, status);
            await CloseGracefullyAsync(client, buffer, stopping).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            MetricsPortLog.ConnectionEnded(_logger, e);
        }
        finally
        {
            client.Dispose();
            Interlocked.Decrement(ref _active);
        }
    }

    private byte[] BuildResponse(MetricsRequestKind kind, out int status)
    {
        if (kind != MetricsRequestKind.Metrics)
        {
            (status, string reason, string extra) = kind switch
            {
                MetricsRequestKind.NotFound => (404, "Not Found", ""),
                MetricsRequestKind.MethodNotAllowed => (405, "Method Not Allowed", "Allow: GET\r\n"),
                _ => (400, "Bad Request", ""),
            };
            return Encoding.ASCII.GetBytes(Head(status, reason, "text/plain; charset=utf-8", 0, extra));
        }

        byte[] body;
        try
        {
            body = _exporter.ScrapeUtf8();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            MetricsPortLog.ScrapeFailed(_logger, e);
            status = 500;
            return Encoding.ASCII.GetBytes(Head(500, "Internal Server Error", "text/plain; charset=utf-8", 0, ""));
        }
        status = 200;
        byte[] head = Encoding.ASCII.GetBytes(Head(200, "OK", PrometheusExporter.ContentType, body.Length, ""));
        byte[] response = new byte[head.Length + body.Length];
        head.CopyTo(response, 0);
        body.CopyTo(response, head.Length);
        return response;
    }

    private static string Head(int status, string reason, string contentType, int contentLength, string extra) =>
        string.Create(CultureInfo.InvariantCulture,
            $"HTTP/1.1 {status} {reason}\r\nDate: {DateTime.UtcNow:r}\r\nContent-Type: {contentType}\r\n" +
            $"Content-Length: {contentLength}\r\n{extra}Connection: close\r\n\r\n");

    private static async Task SendAllAsync(Socket client, ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        while (!data.IsEmpty)
        {
            int n = await client.SendAsync(data, SocketFlags.None, ct).ConfigureAwait(false);
            data = data[n..];
        }
    }

    /// <summary>
    /// Sends FIN, then reads until the client closes (bounded), so unread request bytes do not make
    /// the kernel answer with a reset that could destroy the response in flight.
    /// </summary>
    private static async Task CloseGracefullyAsync(Socket client, byte[] buffer, CancellationToken stopping)
    {
        client.Shutdown(SocketShutdown.Send);
        using var drain = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        drain.CancelAfter(DrainTimeout);
        long drained = 0;
        while (drained < 64 * 1024)
        {
            int n = await client.ReceiveAsync(buffer, SocketFlags.None, drain.Token).ConfigureAwait(false);
            if (n == 0)
                return;
            drained += n;
        }
    }
}
