using System.Buffers;
using System.Net;
using TorRelay.Core.Dos;
using Microsoft.Extensions.Logging;
using TorRelay.Cells;
using TorRelay.Cells.Circuits;
using TorRelay.Cells.Link;
using TorRelay.Cells.Relay;
using System.Diagnostics;
using TorRelay.Core.Channels;
using TorRelay.Core.Circuits.Congestion;
using TorRelay.Core.Circuits.Origin;
using TorRelay.Core.Metrics;
using TorRelay.Core.Streams;
using TorRelay.Crypto;
using TorRelay.Crypto.Handshakes;
using TorRelay.Crypto.Relay;

namespace TorRelay.Core.Circuits;

/// <summary>
/// Switches cells between circuits on different channels (tor-spec §5, §6): answers CREATE2/CREATE_FAST off the read
/// loop (like C tor's cpuworkers), applies our tor1 layer, forwards what is not ours, handles what is (DROP, TRUNCATE;
/// EXTEND2 and stream commands through the role's handler), and turns DESTROY and lost channels into DESTROY or
/// TRUNCATED on the other side. Per-cell work allocates nothing: cells go from the inbound buffer through AES straight
/// into a pooled outbound cell.
/// </summary>
public sealed partial class CircuitSwitch : IChannelCellHandler
{
    /// <summary>CREATE cells waiting for a handshake at most; more are refused with DESTROY(RESOURCELIMIT), as C tor's onion queue does.</summary>
    public const int MaxPendingHandshakes = 4096;
    public static readonly TimeSpan ExtendTimeout = TimeSpan.FromSeconds(30);

    private static readonly object Pending = new();

    private readonly ICreateResponder _responder;
    private readonly IRandomSource _random;
    private readonly ILogger _log;
    private readonly SemaphoreSlim _cpu = new(Environment.ProcessorCount, Environment.ProcessorCount);
    private int _pendingHandshakes;
    private long _circuitsOpen;
    private long _circuitsCreated;

    private readonly CoreMetrics? _metrics;

    public CircuitSwitch(ICreateResponder responder, IRandomSource random, ILogger log, CoreMetrics? metrics = null)
    {
        _metrics = metrics;
        CongestionStats = metrics?.Congestion ?? new CongestionControlStats();
        _responder = responder;
        _random = random;
        _log = log;
    }

    /// <summary>
    /// Consensus parameter sendme_accept_min_version: circuit SENDMEs of a lower version are refused (1: only
    /// authenticated SENDMEs, prop 289). The role updates it from each consensus.
    /// </summary>
    public int SendmeAcceptMinVersion { get; set; }

    /// <summary>Congestion control parameters from the latest consensus (C tor's defaults until then).</summary>
    public CongestionControlParams CongestionParams { get; set; } = CongestionControlParams.Default;

    /// <summary>Relay-wide congestion control statistics (the MetricsPort's, when metrics are on).</summary>
    public CongestionControlStats CongestionStats { get; }

    /// <summary>The relay-wide monotonic clock verdict shared by every circuit and stream.</summary>
    public MonotonicClockCheck CongestionClock { get; } = new();

    /// <summary>The DoS defences (C tor's dos.c) for CREATE cells from clients; null: none.</summary>
    public DosMitigation? Dos { get; set; }

    /// <summary>The client address a CREATE counts against (C tor's channel_is_client): null for relays.</summary>
    private static IPAddress? DosAddress(Channel channel) =>
        channel.Peer is null && channel.Handshake.RemoteEndPoint is IPEndPoint ep ? ep.Address : null;

    /// <summary>Called after each CREATE/CREATE2 we answered (C tor's onionskin_answer): the relay's reachability self-test listens.</summary>
    public Action<Channel>? CreateAnswered { get; set; }

    /// <summary>The role's handler for relay commands addressed to us (EXTEND2, BEGIN …).</summary>
    public IRelayCommandHandler? RelayHandler { get; set; }

    public long CircuitsOpen => Interlocked.Read(ref _circuitsOpen);
    public long CircuitsCreated => Interlocked.Read(ref _circuitsCreated);

    public ValueTask<string?> HandleCellAsync(Channel channel, CellHeader header, ReadOnlySequence<byte> payload, CancellationToken ct)
    {
        switch (header.Command)
        {
            case CellCommand.Relay or CellCommand.RelayEarly:
                return HandleRelayAsync(channel, header, payload, ct);
            case CellCommand.Create2 or CellCommand.CreateFast:
                HandleCreate(channel, header, payload);
                return ValueTask.FromResult<string?>(null);
            case CellCommand.Create:
                // TAP (CREATE) is gone from tor: refuse it (C tor still counts it for the DoS defence).
                if (DosAddress(channel) is { } tapClient) Dos?.OnCreateCell(tapClient);
                return SendDestroyAsync(channel, header.CircId, DestroyReason.Protocol, ct);
            case CellCommand.Created2 or CellCommand.CreatedFast or CellCommand.Created:
                HandleCreated(channel, header, payload);
                return ValueTask.FromResult<string?>(null);
            case CellCommand.Destroy:
                return HandleDestroyAsync(channel, header.CircId, payload, ct);
            default:
                return ValueTask.FromResult<string?>(null);
        }
    }

    private async ValueTask<string?> SendDestroyAsync(Channel channel, CircId id, DestroyReason reason, CancellationToken ct)
    {
        await SendDestroyCellAsync(channel, id, reason, ct).ConfigureAwait(false);
        return null;
    }

    private static ValueTask SendDestroyCellAsync(Channel channel, CircId id, DestroyReason reason, CancellationToken ct)
    {
        var cell = channel.RentCell(id, CellCommand.Destroy, out var body);
        body.Clear();
        body[0] = (byte)reason;
        return channel.EnqueueAsync(cell, ct);
    }

    // ---- CREATE ----

    private void HandleCreate(Channel channel, CellHeader header, ReadOnlySequence<byte> payload)
    {
        var dosAddress = DosAddress(channel);
        if (dosAddress is not null) Dos?.OnCreateCell(dosAddress);
        var id = header.CircId;
        // tor-spec §5.1.1: the side that opened the connection sets the high bit of the IDs it picks.
        bool highBit = (id.Value & 0x8000_0000u) != 0;
        if (channel.LinkVersion >= 4 && highBit != channel.Inbound)
        {
            LogBadCircId(_log, channel.Describe(), id.Value);
            _ = SendDestroyCellAsync(channel, id, DestroyReason.Protocol, CancellationToken.None);
            return;
        }
        if (!channel.Circuits.TryAdd(id.Value, Pending))
        {
            LogDuplicateCreate(_log, channel.Describe(), id.Value);
            return;
        }
        // C tor's refuse-cell defence: a client address marked for creating circuits too fast.
        if (dosAddress is not null && Dos is not null && !Dos.AllowCreate(dosAddress))
        {
            channel.Circuits.TryRemove(id.Value, out _);
            _ = SendDestroyCellAsync(channel, id, DestroyReason.ResourceLimit, CancellationToken.None);
            return;
        }
        if (Interlocked.Increment(ref _pendingHandshakes) > MaxPendingHandshakes)
        {
            Interlocked.Decrement(ref _pendingHandshakes);
            _metrics?.OnionskinDropped(TypeOf(header.Command, payload));
            channel.Circuits.TryRemove(id.Value, out _);
            _ = SendDestroyCellAsync(channel, id, DestroyReason.ResourceLimit, CancellationToken.None);
            return;
        }
        _metrics?.OnionskinProcessed(TypeOf(header.Command, payload));
        var onionSkin = payload.ToArray();
        _ = Task.Run(() => CompleteCreateAsync(channel, id, header.Command, onionSkin));
    }

    private async Task CompleteCreateAsync(Channel channel, CircId id, CellCommand command, byte[] createPayload)
    {
        await _cpu.WaitAsync().ConfigureAwait(false);
        long started = Stopwatch.GetTimestamp();
        byte[]? reply = null;
        byte[] keys = new byte[RelayCryptoLayer.KeyMaterialLength];
        var cc = CongestionParams;
        bool congestionControl = false;
        try
        {
            reply = command == CellCommand.CreateFast ? RespondFast(createPayload, keys)
                : RespondCreate2(createPayload, keys, cc.Enabled ? (byte)cc.SendmeInc : null, out congestionControl);
        }
        finally
        {
            _cpu.Release();
            Interlocked.Decrement(ref _pendingHandshakes);
        }
        if (channel.IsClosed)
        {
            channel.Circuits.TryRemove(id.Value, out _);
            return;
        }
        if (reply is null)
        {
            channel.Circuits.TryRemove(id.Value, out _);
            LogHandshakeFailed(_log, channel.Describe(), command.ToString());
            await SendDestroyCellAsync(channel, id, DestroyReason.Protocol, CancellationToken.None).ConfigureAwait(false);
            return;
        }
        _metrics?.HandshakeCompleted(command == CellCommand.CreateFast ? HandshakeKind.Fast
            : TypeOf(command, new ReadOnlySequence<byte>(createPayload)) == HandshakeType.NtorV3 ? HandshakeKind.NtorV3 : HandshakeKind.Ntor,
            Stopwatch.GetElapsedTime(started));
        var congestion = congestionControl ? new CircuitCongestion(cc, CongestionStats, CongestionClock) : null;
        var circuit = new RelayCircuit(channel, id, new RelayCryptoLayer(keys), congestion);
        Array.Clear(keys);
        if (congestion is not null) LogCongestionControl(_log, channel.Describe(), congestion.SendmeIncrement);
        channel.Circuits[id.Value] = new CircuitLeg(circuit, IsPrevious: true);
        Interlocked.Increment(ref _circuitsOpen);
        Interlocked.Increment(ref _circuitsCreated);
        _metrics?.CircuitOpened();
        var cellCommand = command == CellCommand.CreateFast ? CellCommand.CreatedFast : CellCommand.Created2;
        await channel.SendFixedAsync(id, cellCommand, reply, CancellationToken.None).ConfigureAwait(false);
        CreateAnswered?.Invoke(channel);
    }

    private byte[]? RespondFast(byte[] payload, byte[] keys)
    {
        if (!CreateFastCell.TryDecode(payload, out var create, out _)) return null;
        var reply = new byte[CreateFastHandshake.ReplyLength];
        return CreateFastHandshake.ServerRespond(create.X.Span, _random, reply, keys) ? reply : null;
    }

    private byte[]? RespondCreate2(byte[] payload, byte[] keys, byte? sendmeInc, out bool congestionControl)
    {
        congestionControl = false;
        if (!Create2Cell.TryDecode(payload, out var create, out _)) return null;
        Span<byte> reply = stackalloc byte[LinkVersion.PayloadLength];
        if (!_responder.TryRespond(create.HandshakeType, create.HandshakeData.Span, sendmeInc, reply, out int length, keys,
                out congestionControl)) return null;
        var encoded = new byte[2 + length];
        new Created2Cell(reply[..length].ToArray()).EncodeTo(encoded);
        return encoded;
    }

    // ---- RELAY ----

    private async ValueTask<string?> HandleRelayAsync(Channel channel, CellHeader header, ReadOnlySequence<byte> payload, CancellationToken ct)
    {
        if (!channel.Circuits.TryGetValue(header.CircId.Value, out var entry)) return null;
        if (entry is not CircuitLeg leg)
        {
            (entry as OriginCircuit)?.OnRelayCell(payload);
            return null;
        }
        var circuit = leg.Circuit;
        bool timed = _metrics is not null && ++circuit.CellsSwitched % RelayCircuit.SwitchTimingInterval == 0;
        long started = timed ? Stopwatch.GetTimestamp() : 0;
        if (leg.IsPrevious)
        {
            bool early = header.Command == CellCommand.RelayEarly;
            if (early && ++circuit.RelayEarlySeen > RelayCircuit.MaxRelayEarly)
            {
                LogTooManyRelayEarly(_log, channel.Describe());
                await CloseAsync(circuit, DestroyReason.Protocol).ConfigureAwait(false);
                return null;
            }
            var next = circuit.Next;
            // A multi-hop circuit (a next hop, or a relay behind us) makes the previous channel worth padding.
            if (next is not null || channel.Peer is not null) channel.Padding?.MarkUsedForFullCircuits();
            // Decrypted into a cell for the next hop; one that stops here goes into a buffer of the channel it came on.
            var owner = next ?? channel;
            var cell = owner.RentCell(next is not null ? circuit.NextId : header.CircId, header.Command, out var body);
            bool ours = Decrypt(circuit.Crypto, payload, body);
            if (!ours && next is not null)
            {
                await next.EnqueueAsync(cell, circuit, ct).ConfigureAwait(false);
                if (timed) _metrics!.CellSwitched(Stopwatch.GetElapsedTime(started));
                return null;
            }
            try
            {
                if (ours) await HandleOursAsync(circuit, cell.AsMemory(LinkVersion.CircIdLength(owner.LinkVersion) + 1, LinkVersion.PayloadLength), early).ConfigureAwait(false);
                else
                {
                    // Not recognized and nowhere to send it: tor closes the circuit.
                    LogUnrecognized(_log, channel.Describe());
                    await CloseAsync(circuit, DestroyReason.Protocol).ConfigureAwait(false);
                }
            }
            finally
            {
                owner.ReturnCell(cell);
            }
            return null;
        }

        // Backward: from the next hop towards the client; we add our layer.
        var prev = circuit.Previous;
        var back = prev.RentCell(circuit.PreviousId, CellCommand.Relay, out var backBody);
        payload.CopyTo(backBody);
        await SendBackwardCellAsync(circuit, back, originated: false, ct).ConfigureAwait(false);
        if (timed) _metrics!.CellSwitched(Stopwatch.GetElapsedTime(started));
        return null;
    }

    private static Span<byte> BodyOf(byte[] cell, Channel channel) =>
        cell.AsSpan(LinkVersion.CircIdLength(channel.LinkVersion) + 1, LinkVersion.PayloadLength);

    /// <summary>The handshake type of a CREATE_FAST or CREATE2 payload (its first two bytes), for metrics.</summary>
    private static HandshakeType TypeOf(CellCommand command, ReadOnlySequence<byte> payload)
    {
        if (command == CellCommand.CreateFast || payload.Length < 2) return HandshakeType.Fast;
        Span<byte> t = stackalloc byte[2];
        payload.Slice(0, 2).CopyTo(t);
        return (HandshakeType)System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(t);
    }

    private static bool Decrypt(RelayCryptoLayer crypto, ReadOnlySequence<byte> payload, Span<byte> destination)
    {
        if (payload.IsSingleSegment) return crypto.DecryptForward(payload.FirstSpan, destination);
        payload.CopyTo(destination);
        return crypto.DecryptForward(destination);
    }

    /// <summary>Encrypts with our backward layer and queues, in one critical section so cells keep their keystream order.</summary>
    private static async ValueTask SendBackwardCellAsync(RelayCircuit circuit, byte[] cell, bool originated, CancellationToken ct,
        bool isData = false)
    {
        await circuit.BackwardGate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            circuit.Crypto.EncryptBackward(BodyOf(cell, circuit.Previous), originated);
            // The client's authenticated SENDME will carry the digest of the DATA cell it acknowledges (prop 289):
            // every 100th, or with congestion control the one its window says.
            if (isData && (circuit.Congestion is { } cc
                    ? cc.OnDataCellSent(MonotonicMicroseconds.Now())
                    : ++circuit.DataPackaged % RelayCircuit.CircuitIncrement == 0))
                circuit.ExpectSendmeDigest(circuit.Crypto.LastBackwardDigest.ToArray());
            await circuit.Previous.EnqueueAsync(cell, circuit, ct).ConfigureAwait(false);
        }
        finally
        {
            circuit.BackwardGate.Release();
        }
    }

    private async ValueTask HandleOursAsync(RelayCircuit circuit, Memory<byte> cellBody, bool early)
    {
        if (!RelayCellHeader.TryRead(cellBody.Span, out var header, out _))
        {
            LogMalformedRelay(_log, circuit.Previous.Describe());
            await CloseAsync(circuit, DestroyReason.Protocol).ConfigureAwait(false);
            return;
        }
        switch (header.Command)
        {
            case RelayCommand.Drop:
                _metrics?.DropCellReceived();
                circuit.Previous.Padding?.CountReadDrop(); // padding-counts read-drop (rep_hist_padding_count_read)
                return;
            case RelayCommand.Truncate:
                await TruncateAsync(circuit, DestroyReason.Requested).ConfigureAwait(false);
                return;
            case RelayCommand.Data:
                await OnDataAsync(circuit, header, cellBody).ConfigureAwait(false);
                return;
            case RelayCommand.End:
                if (circuit.TryRemoveStream(header.StreamId, out var ended)) ended.OnEnd();
                return;
            case RelayCommand.Sendme:
                if (!OnSendme(circuit, header, cellBody.Span))
                {
                    LogBadSendme(_log, circuit.Previous.Describe());
                    await CloseAsync(circuit, DestroyReason.Protocol).ConfigureAwait(false);
                }
                return;
            case RelayCommand.Xoff or RelayCommand.Xon:
                OnFlowControl(circuit, header, cellBody.Span);
                return;
        }
        if (RelayHandler?.TryHandle(this, circuit, header, cellBody.Span, early) == true) return;
        switch (header.Command)
        {
            case RelayCommand.Begin or RelayCommand.Resolve:
                // Not an exit: refuse streams as tor does.
                await SendRelayAsync(circuit, RelayCommand.End, header.StreamId, new byte[] { (byte)EndReason.ExitPolicy }).ConfigureAwait(false);
                return;
            case RelayCommand.BeginDir:
                await SendRelayAsync(circuit, RelayCommand.End, header.StreamId, new byte[] { (byte)EndReason.NotDirectory }).ConfigureAwait(false);
                return;
            case RelayCommand.Extend or RelayCommand.Extend2:
                // A handler that declined an EXTEND leaves the circuit unusable beyond us.
                await CloseAsync(circuit, DestroyReason.Protocol).ConfigureAwait(false);
                return;
            default:
                LogIgnoredRelay(_log, header.Command.ToString());
                return;
        }
    }

    /// <summary>Sends a relay message we originate towards the client (EXTENDED2, TRUNCATED, END …).</summary>
    public ValueTask SendRelayAsync(RelayCircuit circuit, RelayCommand command, ushort streamId, ReadOnlyMemory<byte> message) =>
        SendOriginatedAsync(circuit, command, streamId, message, isData: false);

    /// <summary>Sends one DATA cell; the caller has taken a cell from the stream and circuit windows (or CC's).</summary>
    public ValueTask SendDataAsync(RelayCircuit circuit, ushort streamId, ReadOnlyMemory<byte> data) =>
        SendOriginatedAsync(circuit, RelayCommand.Data, streamId, data, isData: true);

    /// <summary>Opens a stream that ends here for a BEGIN/BEGIN_DIR; null if the ID is in use.</summary>
    public EdgeStream? AcceptStream(RelayCircuit circuit, ushort streamId)
    {
        if (streamId == 0 || circuit.IsClosed) return null;
        var stream = new EdgeStream(this, circuit, streamId);
        return circuit.TryAddStream(streamId, stream) ? stream : null;
    }

    private ValueTask SendOriginatedAsync(RelayCircuit circuit, RelayCommand command, ushort streamId, ReadOnlyMemory<byte> message, bool isData)
    {
        if (circuit.IsClosed) return ValueTask.CompletedTask;
        var cell = circuit.Previous.RentCell(circuit.PreviousId, CellCommand.Relay, out var body);
        body.Clear();
        new RelayCellHeader(command, 0, streamId, 0, (ushort)message.Length).WriteTo(body);
        message.Span.CopyTo(body[RelayCellHeader.HeaderLength..]);
        // tor-spec §6.1: after the message, four zero bytes, then random padding.
        int padStart = RelayCellHeader.HeaderLength + message.Length + 4;
        if (padStart < body.Length) _random.Fill(body[padStart..]);
        return SendBackwardCellAsync(circuit, cell, originated: true, CancellationToken.None, isData);
    }

    // ---- Streams and flow control at this hop ----

    private async ValueTask OnDataAsync(RelayCircuit circuit, RelayCellHeader header, Memory<byte> cellBody)
    {
        // Circuit-level deliver window: every 100 DATA cells (cc_sendme_inc with CC), an authenticated SENDME with
        // this cell's digest.
        byte[]? circuitSendme = null;
        if (++circuit.DataDelivered % circuit.SendmeIncrement == 0)
        {
            circuitSendme = new byte[3 + SendmeMessage.DigestLength];
            new SendmeMessage(circuit.Crypto.LastForwardDigest).EncodeTo(circuitSendme);
        }
        // Stream SENDMEs (or, with CC, XOFF/XON) go back as the stream's reader consumes the data (EdgeStream.Consume).
        // DATA for a stream we ended is dropped: the client may not have seen our END yet.
        if (circuit.TryGetStream(header.StreamId, out var stream) && RelayCellHeader.TryGetData(cellBody.Span, out var data))
        {
            if (!stream.OnData(data, out var signal))
            {
                LogStreamWindowOverrun(_log, circuit.Previous.Describe(), header.StreamId);
                await stream.EndAsync(EndReason.TorProtocol).ConfigureAwait(false);
            }
            else if (signal.Signal != FlowControlSignal.None)
            {
                await stream.SendFlowControlAsync(signal).ConfigureAwait(false);
            }
        }
        if (circuitSendme is not null) await SendRelayAsync(circuit, RelayCommand.Sendme, 0, circuitSendme).ConfigureAwait(false);
    }

    /// <summary>
    /// XOFF/XON from the client for one of our streams (C tor circuit_process_stream_xoff/xon). Refused ones (no CC,
    /// a second XOFF, a malformed XON) are logged and ignored as C tor does at an exit; unknown streams are ignored.
    /// </summary>
    private void OnFlowControl(RelayCircuit circuit, RelayCellHeader header, ReadOnlySpan<byte> cellBody)
    {
        if (!circuit.TryGetStream(header.StreamId, out var stream)) return;
        if (!RelayCellHeader.TryGetData(cellBody, out var body)) body = default;
        bool accepted = header.Command == RelayCommand.Xoff ? stream.OnXoff() : stream.OnXon(body);
        if (!accepted) LogFlowControlRefused(_log, header.Command.ToString(), header.StreamId);
    }

    /// <summary>A SENDME for data we sent: circuit-level ones must echo our digest when authenticated (v1).</summary>
    private bool OnSendme(RelayCircuit circuit, RelayCellHeader header, ReadOnlySpan<byte> cellBody)
    {
        if (header.StreamId != 0)
        {
            if (!circuit.TryGetStream(header.StreamId, out var stream)) return true;
            // With congestion control streams have no windows: C tor's "Congestion control got stream sendme".
            return circuit.Congestion is null && stream.PackageWindow.Replenish();
        }
        if (!RelayCellHeader.TryGetData(cellBody, out var data) || !SendmeMessage.TryDecode(data, out var sendme, out _)) return false;
        if (sendme.Version < SendmeAcceptMinVersion) return false;
        if (!circuit.TryTakeExpectedSendmeDigest(out var expected)) return false;
        if (sendme.Version == 1 && !sendme.DigestEquals(expected)) return false;
        if (circuit.Congestion is { } cc) return cc.OnSendmeReceived(MonotonicMicroseconds.Now(), circuit.QueuedBackwardCells);
        return circuit.PackageWindow.Replenish();
    }

    // ---- EXTEND ----

    /// <summary>
    /// Sends CREATE2 on <paramref name="next"/> and waits for CREATED2. Returns its handshake data, or null on
    /// DESTROY, timeout or a closed channel (the caller then destroys the circuit).
    /// </summary>
    public async Task<byte[]?> ExtendAsync(RelayCircuit circuit, Channel next, HandshakeType type, ReadOnlyMemory<byte> onionSkin, CancellationToken ct)
    {
        if (circuit.Next is not null || circuit.PendingCreated is not null || next.LinkVersion < 4) return null;
        CircId id = AllocateCircId(next);
        var created = new TaskCompletionSource<byte[]?>(TaskCreationOptions.RunContinuationsAsynchronously);
        circuit.PendingCreated = created;
        circuit.SetNext(next, id);
        next.Circuits[id.Value] = new CircuitLeg(circuit, IsPrevious: false);
        var payload = new byte[4 + onionSkin.Length];
        new Create2Cell(type, onionSkin).EncodeTo(payload);
        await next.SendFixedAsync(id, CellCommand.Create2, payload, ct).ConfigureAwait(false);
        byte[]? result;
        try
        {
            result = await created.Task.WaitAsync(ExtendTimeout, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            result = null;
        }
        circuit.PendingCreated = null;
        if (result is null)
        {
            if (next.Circuits.TryRemove(id.Value, out _)) _ = SendDestroyCellAsync(next, id, DestroyReason.Timeout, CancellationToken.None);
            circuit.ClearNext();
        }
        return result;
    }

    private CircId AllocateCircId(Channel channel)
    {
        Span<byte> r = stackalloc byte[4];
        while (true)
        {
            _random.Fill(r);
            uint v = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(r) & 0x7FFF_FFFFu;
            if (channel.WeInitiated) v |= 0x8000_0000u;
            if (v == 0 || channel.Circuits.ContainsKey(v)) continue;
            return new CircId(v);
        }
    }

    private void HandleCreated(Channel channel, CellHeader header, ReadOnlySequence<byte> payload)
    {
        if (!channel.Circuits.TryGetValue(header.CircId.Value, out var entry)) return;
        if (entry is OriginCircuit origin) origin.OnCreated(header.Command, payload);
        if (entry is not CircuitLeg { IsPrevious: false } leg) return;
        var pending = leg.Circuit.PendingCreated;
        if (pending is null) return;
        if (header.Command != CellCommand.Created2 || !Created2Cell.TryDecode(payload.ToArray(), out var created, out _))
        {
            pending.TrySetResult(null);
            return;
        }
        pending.TrySetResult(created.HandshakeData.ToArray());
    }

    // ---- DESTROY and teardown ----

    private async ValueTask<string?> HandleDestroyAsync(Channel channel, CircId id, ReadOnlySequence<byte> payload, CancellationToken ct)
    {
        _metrics?.DestroyCellReceived();
        if (!channel.Circuits.TryRemove(id.Value, out var entry)) return null;
        var reason = payload.Length > 0 ? (DestroyReason)payload.FirstSpan[0] : DestroyReason.None;
        (entry as OriginCircuit)?.OnDestroyed(reason);
        if (entry is not CircuitLeg leg) return null; // a CREATE still in its handshake: the reply finds the ID gone
        var circuit = leg.Circuit;
        if (leg.IsPrevious)
        {
            await CloseAsync(circuit, reason, fromPrevious: true).ConfigureAwait(false);
            return null;
        }
        // The next hop went away: the circuit stays, truncated at us (tor-spec §5.4).
        circuit.PendingCreated?.TrySetResult(null);
        circuit.ClearNext();
        await SendRelayAsync(circuit, RelayCommand.Truncated, 0, new byte[] { (byte)reason }).ConfigureAwait(false);
        return null;
    }

    /// <summary>Tears a circuit down: DESTROY to each side still attached, except the side that sent one.</summary>
    public async ValueTask CloseAsync(RelayCircuit circuit, DestroyReason reason, bool fromPrevious = false)
    {
        if (!circuit.TryClose()) return;
        // C tor's circuit_about_to_free: a closed circuit's queued cells are dropped, not sent (also what frees them on OOM).
        circuit.Next?.DetachCircuit(circuit);
        circuit.Previous.DetachCircuit(circuit);
        Interlocked.Decrement(ref _circuitsOpen);
        _metrics?.CircuitClosed();
        if (reason == DestroyReason.Protocol && !fromPrevious) _metrics?.CircuitProtocolViolation();
        circuit.PendingCreated?.TrySetResult(null);
        if (circuit.Next is { } next && next.Circuits.TryRemove(circuit.NextId.Value, out _) && !next.IsClosed)
            await SendDestroyCellAsync(next, circuit.NextId, reason, CancellationToken.None).ConfigureAwait(false);
        if (circuit.Previous.Circuits.TryRemove(circuit.PreviousId.Value, out _) && !fromPrevious && !circuit.Previous.IsClosed)
            await SendDestroyCellAsync(circuit.Previous, circuit.PreviousId, reason, CancellationToken.None).ConfigureAwait(false);
        foreach (var stream in circuit.RemoveAllStreams()) stream.OnEnd();
        circuit.PackageWindow.Cancel();
        circuit.Congestion?.OnCircuitClosed();
    }

    private async ValueTask TruncateAsync(RelayCircuit circuit, DestroyReason reason)
    {
        if (circuit.Next is { } next && next.Circuits.TryRemove(circuit.NextId.Value, out _))
            await SendDestroyCellAsync(next, circuit.NextId, reason, CancellationToken.None).ConfigureAwait(false);
        circuit.ClearNext();
        await SendRelayAsync(circuit, RelayCommand.Truncated, 0, new byte[] { (byte)reason }).ConfigureAwait(false);
    }

    public async ValueTask OnChannelClosedAsync(Channel channel)
    {
        foreach (var (id, entry) in channel.Circuits.ToArray())
        {
            if (!channel.Circuits.TryRemove(id, out _)) continue;
            (entry as OriginCircuit)?.OnDestroyed(DestroyReason.ChannelClosed);
            if (entry is not CircuitLeg leg) continue;
            // Either way the circuit cannot continue: tell the other side (C tor: END_CIRC_REASON_CHANNEL_CLOSED).
            await CloseAsync(leg.Circuit, DestroyReason.ChannelClosed, fromPrevious: leg.IsPrevious).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Refused a CREATE from {Peer} with circuit ID {Id:X8}: wrong high bit for this channel's direction")]
    private static partial void LogBadCircId(ILogger log, string peer, uint id);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ignored a CREATE from {Peer} for circuit ID {Id:X8}, which is in use")]
    private static partial void LogDuplicateCreate(ILogger log, string peer, uint id);

    [LoggerMessage(Level = LogLevel.Information, Message = "Bad {Command} handshake from {Peer}: circuit refused")]
    private static partial void LogHandshakeFailed(ILogger log, string peer, string command);

    [LoggerMessage(Level = LogLevel.Information, Message = "Closing a circuit from {Peer}: more than 8 RELAY_EARLY cells")]
    private static partial void LogTooManyRelayEarly(ILogger log, string peer);

    [LoggerMessage(Level = LogLevel.Information, Message = "Closing a circuit from {Peer}: unrecognized relay cell at the last hop")]
    private static partial void LogUnrecognized(ILogger log, string peer);

    [LoggerMessage(Level = LogLevel.Information, Message = "Closing a circuit from {Peer}: malformed relay cell")]
    private static partial void LogMalformedRelay(ILogger log, string peer);

    [LoggerMessage(Level = LogLevel.Information, Message = "Closing a circuit from {Peer}: SENDME that does not match what we sent")]
    private static partial void LogBadSendme(ILogger log, string peer);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ending stream {StreamId} from {Peer}: DATA beyond its deliver window")]
    private static partial void LogStreamWindowOverrun(ILogger log, string peer, ushort streamId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Congestion control negotiated on circuit from {Peer}: sendme_inc {SendmeInc}")]
    private static partial void LogCongestionControl(ILogger log, string peer, int sendmeInc);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Ignored a {Command} for stream {StreamId}: refused by its flow control")]
    private static partial void LogFlowControlRefused(ILogger log, string command, ushort streamId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Ignored relay command {Command} addressed to us")]
    private static partial void LogIgnoredRelay(ILogger log, string command);
}
