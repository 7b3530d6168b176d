using System.Buffers;
using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using TorRelay.Cells;
using TorRelay.Cells.Link;
using TorRelay.Core.Channels.Padding;
using TorRelay.Core.Metrics;

namespace TorRelay.Core.Channels;

/// <summary>
/// An open link to one peer after a completed handshake. One read loop owns the inbound side and hands circuit
/// cells to the circuit switch; outbound cells from any thread are queued per circuit in a <see cref="CircuitMux"/>
/// that a writer drains into TLS in EWMA order when cells arrive: at the end of the sending read loop's batch, on its
/// thread (<see cref="FlushScope"/>), or on the pool. Full queues make senders wait: that is our backpressure.
/// </summary>
public sealed partial class Channel : IAsyncDisposable, IThreadPoolWorkItem
{
    private readonly ILinkTransport _link;
    private readonly ILogger _log;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _closed = new();
    private readonly CircuitMux _outbound;
    private readonly CellPool _cells;
    private readonly IChannelCellHandler? _handler;
    private readonly FlushScope _readScope = new(); // the read loop's: see RunAsync
    private CellRun _readRun; // the read loop's, reported once per run of equal commands
    private int _disposed;
    private static readonly ReadOnlyMemory<byte> DestroyProtocol = new[] { (byte)DestroyReason.Protocol };

    /// <summary>Cells queued towards the peer at most (~1 MiB); senders wait beyond it.</summary>
    public const int OutboundQueueCells = ChannelQueueSettings.DefaultChannelQueueCells;

    /// <summary>Cells taken from the mux at a time: 31 fixed cells (15,934 bytes) fill one 16 KiB TLS record.</summary>
    public const int WriteBatchCells = 31;

    private readonly CoreMetrics? _metrics;

    /// <param name="queues">Queueing shared by all channels (EWMA halflife, memory budget); null: C tor's defaults, no budget.</param>
    public Channel(ILinkTransport link, LinkHandshakeResult handshake, ILogger log, TimeProvider time, IChannelCellHandler? handler = null,
        CoreMetrics? metrics = null, ChannelQueueSettings? queues = null)
    {
        _metrics = metrics;
        _link = link;
        Handshake = handshake;
        _log = log;
        _time = time;
        _handler = handler;
        queues ??= new ChannelQueueSettings(new EwmaPolicy(time));
        _cells = queues.Cells;
        _outbound = new CircuitMux(queues);
        OpenedAt = LastActivity = time.GetUtcNow();
    }

    /// <summary>The circuits on this channel by circuit ID; owned by the circuit switch.</summary>
    /// <remarks>Sized for the usual few circuits, with two write locks: the default is a lock per CPU and 31 buckets,
    /// a kilobyte per channel on a many-core server, and most of a guard's channels are idle clients'.</remarks>
    public ConcurrentDictionary<uint, object> Circuits { get; } = new(concurrencyLevel: 2, capacity: 7);

    /// <summary>Cells waiting to be written to the peer.</summary>
    public int QueuedCells => _outbound.Count;

    /// <summary>This channel's outbound queues (for the OOM killer and tests).</summary>
    public CircuitMux Mux => _outbound;

    /// <summary>True if we made the TCP connection; decides the circuit ID high bit (tor-spec §5.1.1).</summary>
    public bool WeInitiated => !Inbound;

    public LinkHandshakeResult Handshake { get; }
    public PeerIdentity? Peer => Handshake.Peer;
    public bool Inbound => Handshake.Inbound;
    public int LinkVersion => Handshake.LinkVersion;
    public DateTimeOffset OpenedAt { get; }
    public DateTimeOffset LastActivity { get; private set; }

    /// <summary>Connection-level padding (padding-spec §2), when the host enabled it; it stops itself on close.</summary>
    public ChannelPadding? Padding { get; set; }
    public bool IsClosed => _closed.IsCancellationRequested;

    /// <summary>Signalled once the channel is closed, for whoever tracks it.</summary>
    public CancellationToken ClosedToken => _closed.Token;

    /// <summary>A short description for logs that never includes a client's address.</summary>
    public string Describe() => Peer is null ? "unauthenticated client" : "$" + Peer.Hex;

    /// <summary>Reads cells until the peer goes away, a protocol violation, or <paramref name="ct"/>.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        // The caller's token closes the channel, so reads and handlers take the channel's own token: no linked
        // source per channel (with its registrations, a few hundred bytes on each of a guard's thousands of links).
        using var stop = ct.UnsafeRegister(static c => ((Channel)c!)._closed.Cancel(), this);
        var token = _closed.Token;
        var reader = _link.Transport.Input;
        EnableWriter();
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(token).ConfigureAwait(false);
                Padding?.NoteTransfer();
                var buffer = result.Buffer;
                string? violation = null;
                // Cells queued to other channels while handling this batch are written once, at its end (FlushScope).
                if (!buffer.IsEmpty) LastActivity = _time.GetUtcNow();
                _readScope.Enter();
                try
                {
                    while (CellFramer.TryRead(ref buffer, LinkVersion, out var header, out var payload, out _))
                    {
                        if (_readRun.Add(header.Command, out var ended, out int count)) ReportRead(ended, count);
                        var handled = HandleCellAsync(header, payload, token);
                        // A handler that waits: report the run so far, as the scope's writes go out before the wait.
                        if (!handled.IsCompleted) ReportReadRun();
                        violation = await _readScope.AwaitOutside(handled);
                        if (violation is not null) break;
                    }
                }
                finally
                {
                    ReportReadRun();
                    _readScope.Exit();
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
            if (_handler is not null) await _handler.OnChannelClosedAsync(this).ConfigureAwait(false);
        }
    }

    private void ReportReadRun()
    {
        if (_readRun.Take(out var command, out int count)) ReportRead(command, count);
    }

    private void ReportRead(CellCommand command, int count)
    {
        _metrics?.CellReceived(command, count);
        Padding?.CountRead(command, count);
    }

    /// <summary>Handles one open-channel cell; returns a reason to close the channel, or null.</summary>
    private async ValueTask<string?> HandleCellAsync(CellHeader header, ReadOnlySequence<byte> payload, CancellationToken ct)
    {
        switch (header.Command)
        {
            case CellCommand.Padding or CellCommand.VPadding:
                return null;
            case CellCommand.PaddingNegotiate:
                Padding?.OnNegotiate(payload);
                return null;
            case CellCommand.Create or CellCommand.CreateFast or CellCommand.Create2 or CellCommand.Relay
                or CellCommand.RelayEarly or CellCommand.Destroy or CellCommand.Created or CellCommand.CreatedFast
                or CellCommand.Created2:
                if (header.CircId.IsNone) return $"circuit cell {(int)header.Command} with circuit ID 0";
                if (_handler is not null) return await _handler.HandleCellAsync(this, header, payload, ct).ConfigureAwait(false);
                if (header.Command is CellCommand.Create or CellCommand.CreateFast or CellCommand.Create2)
                {
                    // Without a circuit switch (tests), refuse rather than leave the client waiting.
                    LogCreateRefused(_log, Describe());
                    await SendFixedAsync(header.CircId, CellCommand.Destroy, DestroyProtocol, ct).ConfigureAwait(false);
                }
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

    /// <summary>Queues one fixed-length cell built from <paramref name="payload"/>.</summary>
    public ValueTask SendFixedAsync(CircId circId, CellCommand command, ReadOnlyMemory<byte> payload, CancellationToken ct)
    {
        var cell = RentCell(circId, command, out var body);
        payload.Span.CopyTo(body);
        body[payload.Length..].Clear();
        return EnqueueAsync(cell, ct);
    }

    /// <summary>
    /// Rents a pooled cell buffer with its header written; the caller fills <paramref name="payload"/> (509 bytes)
    /// and passes the buffer to <see cref="EnqueueAsync"/>, which takes ownership, or else to <see cref="ReturnCell"/>.
    /// </summary>
    public byte[] RentCell(CircId circId, CellCommand command, out Span<byte> payload)
    {
        var cell = _cells.Rent(Cells.LinkVersion.FixedCellLength(LinkVersion));
        int h = Cells.LinkVersion.CircIdLength(LinkVersion);
        if (h == 4) System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(cell, circId.Value);
        else System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(cell, checked((ushort)circId.Value));
        cell[h] = (byte)command;
        payload = cell.AsSpan(h + 1, Cells.LinkVersion.PayloadLength);
        return cell;
    }

    /// <summary>Gives back a buffer from <see cref="RentCell"/> that will not be queued.</summary>
    public void ReturnCell(byte[] cell) => _cells.Return(cell);

    /// <summary>Queues a rented cell of the channel's own (no circuit: sent before circuits' cells); waits while the channel is full.</summary>
    public ValueTask EnqueueAsync(byte[] cell, CancellationToken ct) => EnqueueAsync(cell, null, ct);

    /// <summary>
    /// Queues a rented cell of <paramref name="circuit"/> (ownership passes to the channel); waits while that circuit's
    /// queue or the channel is full. A closed channel drops it.
    /// </summary>
    public ValueTask EnqueueAsync(byte[] cell, object? circuit, CancellationToken ct)
    {
        var queued = _outbound.EnqueueAsync(cell, circuit, ct);
        RequestWrite();
        return queued;
    }

    /// <summary>Drops the cells queued for <paramref name="circuit"/> (it closed); returns the bytes freed.</summary>
    public long DetachCircuit(object circuit) => _outbound.DetachCircuit(circuit);

    public async ValueTask CloseAsync(string reason)
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        LogClosed(_log, Describe(), Inbound ? "inbound" : "outbound", reason);
        _outbound.Close();
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
