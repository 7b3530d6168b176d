using System.Runtime.CompilerServices;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using System.Diagnostics;
using TorRelay.Core.Channels.Padding;
using TorRelay.Core.Metrics;
using TorRelay.Crypto;

namespace TorRelay.Core.Channels;

/// <summary>
/// Keeps one canonical channel per peer identity and reuses it (tor-spec §5.3.1), opens outbound channels on demand,
/// and closes channels that stay idle, as tor does. Owned by the host; no global state.
/// </summary>
public sealed partial class ChannelManager : IAsyncDisposable
{
    /// <summary>tor closes a channel with no circuits after 3 to 4.5 minutes idle (channelpadding idle timeout).</summary>
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(3);
    public static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(30);

    private readonly ILinkTransportFactory _tls;
    private readonly Func<IReadOnlyList<IPAddress>> _ourAddresses;
    private readonly IPAddress? _outboundBind;
    private readonly TimeProvider _time;
    private readonly IRandomSource _random;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _log;
    private readonly object _gate = new();
    private readonly Dictionary<string, Channel> _byIdentity = new();
    private readonly Dictionary<string, Task<Channel>> _pending = new();
    private readonly HashSet<Channel> _all = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly CoreMetrics? _metrics;

    public ChannelManager(ILinkTransportFactory tls, Func<IReadOnlyList<IPAddress>> ourAddresses, IPAddress? outboundBind,
        TimeProvider time, IRandomSource random, ILoggerFactory loggers, CoreMetrics? metrics = null)
    {
        _metrics = metrics;
        _tls = tls;
        _ourAddresses = ourAddresses;
        _outboundBind = outboundBind;
        _time = time;
        _random = random;
        _loggers = loggers;
        _log = loggers.CreateLogger("TorRelay.Channels");
    }

    /// <summary>Handles circuit cells on every channel opened from now on (the circuit switch).</summary>
    public IChannelCellHandler? CellHandler { get; set; }

    /// <summary>Output queues of every channel opened from now on: EWMA scheduling and the shared memory budget.</summary>
    public ChannelQueueSettings? Queues { get; set; }

    /// <summary>Connection-level padding shared by all channels; null: channels send none.</summary>
    public PaddingPolicy? Padding { get; set; }

    public int Count
    {
        get { lock (_gate) return _all.Count; }
    }

    public IReadOnlyList<Channel> Snapshot()
    {
        lock (_gate) return _all.ToList();
    }

    private LinkHandshake NewHandshake() => new(_tls.Credentials, _ourAddresses(), _time, _random);

    /// <summary>Runs TLS and the responder side for an accepted socket; null (and the socket closed) on failure.</summary>
    public async Task<Channel?> AcceptAsync(Socket socket, CancellationToken ct)
    {
        string remote = socket.RemoteEndPoint is IPEndPoint ep ? SafeAddress(ep.Address) : "?";
        ILinkTransport? link = null;
        Channel channel;
        long started = Stopwatch.GetTimestamp();
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct, _stopping.Token))
        {
            timeout.CancelAfter(HandshakeTimeout);
            try
            {
                link = await _tls.AcceptAsync(socket, timeout.Token).ConfigureAwait(false);
                var result = await NewHandshake().RespondAsync(link, timeout.Token).ConfigureAwait(false);
                await LeaveReceiveThread();
                _metrics?.HandshakeCompleted(HandshakeKind.Link, Stopwatch.GetElapsedTime(started));
                channel = Open(link, result);
            }
            catch (Exception e) when (e is LinkHandshakeException or OperationCanceledException or IOException or SocketException or TlsFailure)
            {
                LogHandshakeFailed(_log, "inbound", remote, e is OperationCanceledException ? "timed out" : e.Message);
                if (link is not null) await link.DisposeAsync().ConfigureAwait(false);
                else socket.Dispose();
                return null;
            }
        }
        return channel;
    }

    /// <summary>Serves an open channel until it closes.</summary>
    public Task RunChannelAsync(Channel channel, CancellationToken ct) => RunAsync(channel, ct);

    /// <summary>Returns the open channel to this identity, or connects, authenticates and returns a new one.</summary>
    public Task<Channel> GetOrOpenAsync(IPEndPoint endpoint, byte[] rsaFingerprint, CancellationToken ct)
    {
        string key = Convert.ToHexString(rsaFingerprint);
        lock (_gate)
        {
            if (_byIdentity.TryGetValue(key, out var existing) && !existing.IsClosed) return Task.FromResult(existing);
            if (_pending.TryGetValue(key, out var pending)) return pending;
            // On the pool: the connection's loops must never run on a caller's synchronization context.
            var task = Task.Run(() => ConnectAsync(endpoint, rsaFingerprint, key, ct), CancellationToken.None);
            _pending[key] = task;
            _ = task.ContinueWith(t =>
            {
                lock (_gate)
                    if (_pending.TryGetValue(key, out var p) && p == t) _pending.Remove(key);
            }, TaskScheduler.Default);
            return task;
        }
    }

    /// <summary>
    /// Always connects anew (a link self-test must exercise our initiator side even when the peer already has a channel
    /// to us). The new channel becomes the one reused for that identity only if there is no open one: duplicates are
    /// what tor closes first, and circuits must not be put on them.
    /// </summary>
    public Task<Channel> OpenNewAsync(IPEndPoint endpoint, byte[] rsaFingerprint, CancellationToken ct) =>
        Task.Run(() => ConnectAsync(endpoint, rsaFingerprint, Convert.ToHexString(rsaFingerprint), ct, replaceCanonical: false),
            CancellationToken.None);

    /// <summary>Whether <paramref name="channel"/> is the one reused for its peer's identity.</summary>
    public bool IsCanonical(Channel channel)
    {
        lock (_gate)
            return channel.Peer is not null && _byIdentity.TryGetValue(channel.Peer.Hex, out var c) && c == channel;
    }

    private async Task<Channel> ConnectAsync(IPEndPoint endpoint, byte[] rsaFingerprint, string key, CancellationToken ct,
        bool replaceCanonical = true)
    {
        ILinkTransport? link = null;
        long started = Stopwatch.GetTimestamp();
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct, _stopping.Token);
            timeout.CancelAfter(HandshakeTimeout);
            if (_outboundBind is not null && _outboundBind.AddressFamily == endpoint.AddressFamily)
                socket.Bind(new IPEndPoint(_outboundBind, 0));
            await socket.ConnectAsync(endpoint, timeout.Token).ConfigureAwait(false);
            link = await _tls.ConnectAsync(socket, timeout.Token).ConfigureAwait(false);
            var result = await NewHandshake().InitiateAsync(link, rsaFingerprint, timeout.Token).ConfigureAwait(false);
            await LeaveReceiveThread();
            _metrics?.HandshakeCompleted(HandshakeKind.Link, Stopwatch.GetElapsedTime(started));
            var channel = Open(link, result, replaceCanonical);
            _ = RunAsync(channel, _stopping.Token);
            return channel;
        }
        catch (Exception e) when (e is LinkHandshakeException or OperationCanceledException or IOException or SocketException or TlsFailure)
        {
            LogHandshakeFailed(_log, "outbound", "$" + key, e is OperationCanceledException ? "timed out" : e.Message);
            if (link is not null) await link.DisposeAsync().ConfigureAwait(false);
            else socket.Dispose();
            throw;
        }

    }

    /// <summary>
    /// The handshake's last cell is read inline on the connection's receive loop; whoever awaits the new channel
    /// must not go on running there (a caller that blocks would stop the very connection it waits on).
    /// </summary>
    private static YieldAwaitable LeaveReceiveThread() => Task.Yield();

    private Channel Open(ILinkTransport link, LinkHandshakeResult result, bool replaceCanonical = true)
    {
        var channel = new Channel(link, result, _loggers.CreateLogger("TorRelay.Channel"), _time, CellHandler, _metrics, Queues);
        if (Padding is not null) channel.Padding = ChannelPadding.Start(channel, Padding);
        lock (_gate)
        {
            _all.Add(channel);
            // The newest authenticated channel to an identity becomes the one we reuse (unless it is a check-only link).
            if (result.Peer is not null &&
                (replaceCanonical || !_byIdentity.TryGetValue(result.Peer.Hex, out var existing) || existing.IsClosed))
                _byIdentity[result.Peer.Hex] = channel;
        }
        _metrics?.ConnectionOpened(ConnectionType.Or, Direction(channel), Family(channel));
        string direction = result.Inbound ? "inbound" : "outbound";
        if (result.Peer is null) LogOpenUnauthenticated(_log, direction, result.LinkVersion);
        else LogOpen(_log, result.Peer.Hex, direction, result.LinkVersion, result.Peer.Ed25519Key.ToBase64());
        if (result.ClockSkew is { } skew && Math.Abs(skew.TotalSeconds) > 3600)
            LogClockSkew(_log, channel.Describe(), (long)skew.TotalSeconds);
        return channel;
    }

    private async Task RunAsync(Channel channel, CancellationToken ct)
    {
        try
        {
            // Not linked to _stopping (a linked source per channel costs memory): DisposeAsync closes every channel
            // in _all, and one that Open added after DisposeAsync looked sees _stopping cancelled here.
            if (_stopping.IsCancellationRequested) await channel.CloseAsync("shutting down").ConfigureAwait(false);
            await channel.RunAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            _metrics?.ConnectionClosed(ConnectionType.Or, Direction(channel), Family(channel));
            lock (_gate)
            {
                _all.Remove(channel);
                if (channel.Peer is not null && _byIdentity.TryGetValue(channel.Peer.Hex, out var c) && c == channel)
                    _byIdentity.Remove(channel.Peer.Hex);
            }
        }
    }

    private static ConnectionDirection Direction(Channel c) => c.Inbound ? ConnectionDirection.Received : ConnectionDirection.Initiated;

    private static AddressFamily Family(Channel c) => c.Handshake.RemoteEndPoint?.AddressFamily ?? AddressFamily.InterNetwork;

    /// <summary>Closes channels idle for longer than <see cref="IdleTimeout"/>; called from the heartbeat.</summary>
    public async Task CloseIdleAsync()
    {
        var now = _time.GetUtcNow();
        foreach (var c in Snapshot())
            if (now - c.LastActivity > IdleTimeout)
                await c.CloseAsync("idle").ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        _stopping.Cancel();
        foreach (var c in Snapshot()) await c.CloseAsync("shutting down").ConfigureAwait(false);
    }

    /// <summary>Never log a client's address raw (tor's SafeLogging): only loopback addresses are shown.</summary>
    internal static string SafeAddress(IPAddress a) => IPAddress.IsLoopback(a) ? a.ToString() : "[scrubbed]";

    [LoggerMessage(Level = LogLevel.Information, Message = "Channel open: peer ${Fingerprint} {Direction}, authenticated (link protocol {Version}, ed25519 {Ed25519})")]
    private static partial void LogOpen(ILogger log, string fingerprint, string direction, int version, string ed25519);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Channel open: unauthenticated client {Direction} (link protocol {Version})")]
    private static partial void LogOpenUnauthenticated(ILogger log, string direction, int version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Link handshake failed ({Direction}, {Peer}): {Reason}")]
    private static partial void LogHandshakeFailed(ILogger log, string direction, string peer, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Peer {Peer} reports a clock {Seconds} seconds off ours; check the system clock")]
    private static partial void LogClockSkew(ILogger log, string peer, long seconds);
}
