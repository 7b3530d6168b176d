using System.Buffers;
using System.IO.Pipelines;
using Microsoft.Extensions.Logging;
using TorRelay.Cells;
using TorRelay.Cells.Link;

namespace TorRelay.Core.Channels;

/// <summary>
/// An open link to one peer after a completed handshake. One read loop owns the inbound side; sends are
/// serialised. Circuits are not carried yet, so CREATE cells are refused with DESTROY and cells for unknown
/// circuits are dropped, as tor does.
/// </summary>
public sealed partial class Channel : IAsyncDisposable
{
    private readonly ILinkTransport _link;
    private readonly ILogger _log;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly CancellationTokenSource _closed = new();
    private int _disposed;
    private static readonly ReadOnlyMemory<byte> DestroyProtocol = new[] { (byte)DestroyReason.Protocol };

    public Channel(ILinkTransport link, LinkHandshakeResult handshake, ILogger log, TimeProvider time)
    {
        _link = link;
        Handshake = handshake;
        _log = log;
        _time = time;
        OpenedAt = LastActivity = time.GetUtcNow();
    }

    public LinkHandshakeResult Handshake { get; }
    public PeerIdentity? Peer => Handshake.Peer;
    public bool Inbound => Handshake.Inbound;
    public int LinkVersion => Handshake.LinkVersion;
    public DateTimeOffset OpenedAt { get; }
    public DateTimeOffset LastActivity { get; private set; }
    public bool IsClosed => _closed.IsCancellationRequested;

    /// <summary>Signalled once the channel is closed, for whoever tracks it.</summary>
    public CancellationToken ClosedToken => _closed.Token;

    /// <summary>A short description for logs that never includes a client's address.</summary>
    public string Describe() => Peer is null ? "unauthenticated client" : "$" + Peer.Hex;

    /// <summary>Reads cells until the peer goes away, a protocol violation, or <paramref name="ct"/>.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, _closed.Token);
        var reader = _link.Transport.Input;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(linked.Token).ConfigureAwait(false);
                var buffer = result.Buffer;
                string? violation = null;
                while (CellFramer.TryRead(ref buffer, LinkVersion, out var header, out var payload, out _))
                {
                    LastActivity = _time.GetUtcNow();
                    violation = await HandleCellAsync(header, payload, linked.Token).ConfigureAwait(false);
                    if (violation is not null) break;
                }
                reader.AdvanceTo(buffer.Start, buffer.End);
                if (violation is not null)
                {
                    LogProtocolViolation(_log, Describe(), violation);
                    break;
                }
                if (result.IsCompleted)
                {
                    if (!buffer.IsEmpty) LogProtocolViolation(_log, Describe(), "connection closed inside a cell");
                    break;
                }
            }
        }
        catch (OperationCanceledException) { }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or InvalidOperationException)
        {
            LogChannelError(_log, Describe(), e.Message);
        }
        finally
        {
            await CloseAsync("closed").ConfigureAwait(false);
        }
    }

    /// <summary>Handles one open-channel cell; returns a reason to close the channel, or null.</summary>
    private async ValueTask<string?> HandleCellAsync(CellHeader header, ReadOnlySequence<byte> payload, CancellationToken ct)
    {
        switch (header.Command)
        {
            case CellCommand.Padding or CellCommand.VPadding or CellCommand.PaddingNegotiate:
                return null;
            case CellCommand.Create or CellCommand.CreateFast or CellCommand.Create2:
                if (header.CircId.IsNone) return "CREATE cell with circuit ID 0";
                // This build does not extend circuits yet: refuse rather than leave the client waiting.
                LogCreateRefused(_log, Describe());
                await SendFixedAsync(header.CircId, CellCommand.Destroy, DestroyProtocol, ct).ConfigureAwait(false);
                return null;
            case CellCommand.Relay or CellCommand.RelayEarly or CellCommand.Destroy or CellCommand.Created
                or CellCommand.CreatedFast or CellCommand.Created2:
                // No circuit with that ID exists on this channel: tor drops such cells.
                return null;
            case CellCommand.Netinfo or CellCommand.Authorize:
                return null;
            case CellCommand.Versions or CellCommand.Certs or CellCommand.AuthChallenge or CellCommand.Authenticate:
                return $"handshake cell {(int)header.Command} on an open channel";
            default:
                // Unknown variable-length commands are ignored (tor-spec §3: for future use); unknown fixed ones too.
                return null;
        }
    }

    /// <summary>Sends one fixed-length cell.</summary>
    public async ValueTask SendFixedAsync(CircId circId, CellCommand command, ReadOnlyMemory<byte> payload, CancellationToken ct)
    {
        await _sendLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            PipeWriter w = _link.Transport.Output;
            CellFramer.WriteFixed(w, LinkVersion, circId, command, payload.Span);
            await w.FlushAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    public async ValueTask CloseAsync(string reason)
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        LogClosed(_log, Describe(), Inbound ? "inbound" : "outbound", reason);
        _closed.Cancel();
        try
        {
            await _link.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or System.Net.Sockets.SocketException)
        {
        }
    }

    public ValueTask DisposeAsync() => CloseAsync("disposed");

    [LoggerMessage(Level = LogLevel.Warning, Message = "Closing channel with {Peer}: protocol violation: {Reason}")]
    private static partial void LogProtocolViolation(ILogger log, string peer, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Channel with {Peer} failed: {Reason}")]
    private static partial void LogChannelError(ILogger log, string peer, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Refused a CREATE from {Peer}: circuits are not supported by this build")]
    private static partial void LogCreateRefused(ILogger log, string peer);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Channel closed: {Peer} {Direction} ({Reason})")]
    private static partial void LogClosed(ILogger log, string peer, string direction, string reason);
}
