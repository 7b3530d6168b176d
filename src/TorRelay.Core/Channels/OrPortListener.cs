using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using TorRelay.Core.Dos;
using TorRelay.Core.Metrics;

namespace TorRelay.Core.Channels;

/// <summary>
/// Accepts connections on one ORPort address and hands each to the channel manager on its own task, so a slow
/// handshake never delays the next accept (the accept loop only accepts, as Kestrel's does). At most
/// <see cref="MaxConcurrentHandshakes"/> handshakes run at once: beyond that the loop stops accepting until one ends,
/// and new connections wait in the kernel's listen queue (as long as C tor's, SOMAXCONN), so a burst of clients
/// reconnecting at once is served in turn rather than refused.
/// </summary>
public sealed partial class OrPortListener(IPEndPoint endpoint, ChannelManager channels, ILogger log, CoreMetrics? metrics = null,
    DosMitigation? dos = null) : IAsyncDisposable
{
    /// <summary>Handshakes in progress at most; beyond this, connections wait to be accepted.</summary>
    public const int MaxConcurrentHandshakes = 256;

    private Socket? _socket;
    private readonly SemaphoreSlim _handshakeSlots = new(MaxConcurrentHandshakes);

    /// <summary>Connections accepted whose link handshake has not ended.</summary>
    public int HandshakesInProgress => MaxConcurrentHandshakes - _handshakeSlots.CurrentCount;

    public IPEndPoint LocalEndPoint => (IPEndPoint)(_socket?.LocalEndPoint ?? endpoint);

    public void Start()
    {
        var s = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        s.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        if (endpoint.AddressFamily == AddressFamily.InterNetworkV6) s.DualMode = false;
        s.Bind(endpoint);
        s.Listen(); // the kernel's maximum, net.core.somaxconn: C tor listens with SOMAXCONN
        _socket = s;
        metrics?.ConnectionOpened(ConnectionType.OrListener, ConnectionDirection.Initiated, endpoint.AddressFamily);
        LogListening(log, LocalEndPoint.ToString());
    }

    public async Task RunAsync(CancellationToken ct)
    {
        var s = _socket ?? throw new InvalidOperationException("Start first");
        while (!ct.IsCancellationRequested)
        {
            Socket client;
            try
            {
                await _handshakeSlots.WaitAsync(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) { break; }
            try
            {
                client = await s.AcceptAsync(ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                _handshakeSlots.Release();
                break;
            }
            catch (SocketException e)
            {
                _handshakeSlots.Release();
                LogAcceptFailed(log, e.SocketErrorCode.ToString());
                await Task.Delay(100, ct).ConfigureAwait(false);
                continue;
            }
            client.NoDelay = true;
            // C tor's connection DoS defence runs at accept, before TLS, on every inbound connection (relays too).
            var remote = (client.RemoteEndPoint as IPEndPoint)?.Address;
            if (remote is not null && dos is not null && !dos.OnClientConnection(remote))
            {
                _handshakeSlots.Release();
                metrics?.ConnectionRejected(ConnectionType.Or, client.AddressFamily);
                client.Dispose();
                continue;
            }
            _ = ServeAsync(client, remote, ct);
        }
    }

    private async Task ServeAsync(Socket client, IPAddress? remote, CancellationToken ct)
    {
        try
        {
            await Task.Yield();
            Channel? channel;
            try
            {
                channel = await channels.AcceptAsync(client, ct).ConfigureAwait(false);
            }
            finally
            {
                _handshakeSlots.Release();
            }
            if (channel is not null) await channels.RunChannelAsync(channel, ct).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            LogServeFailed(log, e.GetType().Name, e.Message);
        }
        finally
        {
            if (remote is not null) dos?.OnClientConnectionClosed(remote);
        }
    }

    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _socket, null) is { } s)
        {
            s.Dispose();
            metrics?.ConnectionClosed(ConnectionType.OrListener, ConnectionDirection.Initiated, endpoint.AddressFamily);
        }
        return ValueTask.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Opened OR listener on {Endpoint}")]
    private static partial void LogListening(ILogger log, string endpoint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Accept failed on the ORPort: {Error}")]
    private static partial void LogAcceptFailed(ILogger log, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unexpected {Type} serving a connection: {Message}")]
    private static partial void LogServeFailed(ILogger log, string type, string message);
}
