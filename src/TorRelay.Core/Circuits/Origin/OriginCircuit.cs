using System.Buffers;
using System.Buffers.Binary;
using System.Threading.Channels;
using TorRelay.Cells;
using TorRelay.Cells.Circuits;
using TorRelay.Cells.Link;
using TorRelay.Cells.Relay;
using TorRelay.Crypto;
using TorRelay.Crypto.Handshakes;
using TorRelay.Crypto.Relay;
using Channel = TorRelay.Core.Channels.Channel;

namespace TorRelay.Core.Circuits.Origin;

/// <summary>
/// A circuit we originate (tor-spec §5.1, §5.3; C tor's origin_circuit_t and its cpath): one tor1 layer per hop, the
/// first hop made with CREATE_FAST or CREATE2 (ntor), later hops with EXTEND2 (ntor) sent in RELAY_EARLY to the last
/// hop. Forward cells get the destination hop's layer, then each earlier one; backward cells lose layers from the first
/// hop on until one recognizes them. The circuit registers itself in its channel's circuit map, where the circuit
/// switch finds it and hands it CREATED*, RELAY and DESTROY cells on the channel's read loop.
/// </summary>
public sealed class OriginCircuit : IAsyncDisposable
{
    /// <summary>How long one CREATE or EXTEND2 may take before the circuit is given up (C tor's circuit build timeout is adaptive; 30 s is its ceiling for the first hops).</summary>
    public static readonly TimeSpan DefaultStepTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Relay cells queued for the reader at most: a full circuit window (CIRCWINDOW_START); more is a protocol violation.</summary>
    public const int ReceiveQueueCells = 1000;

    /// <summary>tor-spec §5.6: at most 8 RELAY_EARLY cells per circuit.</summary>
    public const int MaxRelayEarly = 8;

    private readonly IRandomSource _random;
    private readonly TimeSpan _stepTimeout;
    private readonly SemaphoreSlim _forwardGate = new(1, 1);
    private readonly Lock _backward = new();
    private readonly Channel<OriginRelayCell> _received = System.Threading.Channels.Channel.CreateBounded<OriginRelayCell>(
        new BoundedChannelOptions(ReceiveQueueCells) { SingleWriter = true, SingleReader = false });
    private readonly CancellationTokenSource _closed = new();
    private volatile RelayCryptoLayer[] _layers = [];
    private TaskCompletionSource<(CellCommand Command, byte[] Payload)>? _created;
    private int _relayEarlySent;
    private int _closing;

    private OriginCircuit(Channel channel, IRandomSource random, TimeSpan stepTimeout)
    {
        Channel = channel;
        _random = random;
        _stepTimeout = stepTimeout;
    }

    public Channel Channel { get; }
    public CircId Id { get; private set; }
    public int HopCount => _layers.Length;
    public bool IsClosed => _closed.IsCancellationRequested;

    /// <summary>Why the circuit closed: the reason in a DESTROY or TRUNCATED we received, or the one we sent.</summary>
    public DestroyReason? CloseReason { get; private set; }

    /// <summary>Signalled when the circuit closes, from either end.</summary>
    public CancellationToken ClosedToken => _closed.Token;

    /// <summary>
    /// Makes the first hop on <paramref name="channel"/>: CREATE2 with ntor to <paramref name="firstHop"/>, or
    /// CREATE_FAST when it is null (C tor uses CREATE_FAST only without an onion key). Throws
    /// <see cref="OriginCircuitException"/> on DESTROY, a bad reply or a timeout, with nothing left on the channel.
    /// </summary>
    public static async Task<OriginCircuit> CreateAsync(Channel channel, CircuitTarget? firstHop, IRandomSource random,
        CancellationToken ct, TimeSpan? stepTimeout = null)
    {
        if (channel.LinkVersion < 4) throw new ArgumentException("origin circuits need link protocol 4 or later", nameof(channel));
        var circuit = new OriginCircuit(channel, random, stepTimeout ?? DefaultStepTimeout);
        try
        {
            await circuit.CreateFirstHopAsync(firstHop, ct).ConfigureAwait(false);
            return circuit;
        }
        catch
        {
            await circuit.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task CreateFirstHopAsync(CircuitTarget? hop, CancellationToken ct)
    {
        _created = new(TaskCreationOptions.RunContinuationsAsynchronously);
        Id = Register(Channel, _random, this);
        var keys = new byte[RelayCryptoLayer.KeyMaterialLength];
        try
        {
            if (hop is null)
            {
                var x = new byte[CreateFastHandshake.KeyLength];
                CreateFastHandshake.ClientCreate(_random, x);
                await Channel.SendFixedAsync(Id, CellCommand.CreateFast, x, ct).ConfigureAwait(false);
                var (command, payload) = await WaitStepAsync(_created.Task, "CREATED_FAST", ct).ConfigureAwait(false);
                if (command != CellCommand.CreatedFast || payload.Length < CreateFastHandshake.ReplyLength ||
                    !CreateFastHandshake.ClientFinish(x, payload.AsSpan(0, CreateFastHandshake.ReplyLength), keys))
                    throw new OriginCircuitException($"CREATE_FAST answered with a bad {command}", DestroyReason.Protocol);
            }
            else
            {
                var skin = new byte[NtorHandshake.OnionSkinLength];
                using var ntor = NtorHandshake.ClientCreate(hop.RsaIdentity, hop.NtorOnionKey, _random, skin);
                var create = new byte[4 + skin.Length];
                new Create2Cell(HandshakeType.Ntor, skin).EncodeTo(create);
                await Channel.SendFixedAsync(Id, CellCommand.Create2, create, ct).ConfigureAwait(false);
                var (command, payload) = await WaitStepAsync(_created.Task, "CREATED2", ct).ConfigureAwait(false);
                if (command != CellCommand.Created2 || !Created2Cell.TryDecode(payload, out var created, out _) ||
                    !NtorHandshake.ClientFinish(ntor, created.HandshakeData.Span, keys))
                    throw new OriginCircuitException($"CREATE2 to {hop.Describe()} answered with a bad {command}", DestroyReason.Protocol);
            }
            AddHop(keys);
        }
        finally
        {
            Array.Clear(keys);
            _created = null;
        }
    }

    /// <summary>
    /// Extends the circuit by one hop (EXTEND2 with ntor in RELAY_EARLY to the current last hop) and waits for its
    /// EXTENDED2. Throws <see cref="OriginCircuitException"/> (the circuit then closed) on TRUNCATED, DESTROY, a bad
    /// reply or a timeout.
    /// </summary>
    public async Task ExtendAsync(CircuitTarget target, CancellationToken ct)
    {
        if (HopCount == 0) throw new InvalidOperationException("create the first hop first");
        var skin = new byte[NtorHandshake.OnionSkinLength];
        var keys = new byte[RelayCryptoLayer.KeyMaterialLength];
        try
        {
            using var ntor = NtorHandshake.ClientCreate(target.RsaIdentity, target.NtorOnionKey, _random, skin);
            var message = new Extend2Message(target.LinkSpecifiers(), HandshakeType.Ntor, skin);
            var encoded = new byte[RelayCellHeader.MaxDataLength];
            int length = message.EncodeTo(encoded);
            await SendRelayAsync(RelayCommand.Extend2, 0, encoded.AsMemory(0, length), ct, early: true).ConfigureAwait(false);
            using var reply = await WaitStepAsync(ReceiveAsync(ct).AsTask(), "EXTENDED2", ct).ConfigureAwait(false);
            if (reply.Command == RelayCommand.Truncated)
            {
                var reason = reply.Data.Length > 0 ? (DestroyReason)reply.Data[0] : DestroyReason.None;
                throw new OriginCircuitException($"extending to {target.Describe()} failed: TRUNCATED ({reason})", reason);
            }
            if (reply.Command != RelayCommand.Extended2 || reply.Hop != HopCount - 1 ||
                !Extended2Message.TryDecode(reply.Data, out var extended, out _) ||
                !NtorHandshake.ClientFinish(ntor, extended.HandshakeData.Span, keys))
                throw new OriginCircuitException($"EXTEND2 to {target.Describe()} answered with a bad {reply.Command} from hop {reply.Hop}",
                    DestroyReason.Protocol);
            AddHop(keys);
        }
        catch (OriginCircuitException e)
        {
            await CloseAsync(e.Reason == DestroyReason.Protocol ? DestroyReason.Protocol : DestroyReason.Finished).ConfigureAwait(false);
            throw;
        }
        finally
        {
            Array.Clear(keys);
        }
    }

    /// <summary>
    /// Sends a relay message to hop <paramref name="hop"/> (default: the last): header, message, four zero bytes and
    /// random padding (tor-spec §6.1), then that hop's layer and each earlier one, in one critical section so cells keep
    /// their keystream order. <paramref name="early"/> sends RELAY_EARLY while any of the 8 allowed are left.
    /// </summary>
    public async ValueTask SendRelayAsync(RelayCommand command, ushort streamId, ReadOnlyMemory<byte> message, CancellationToken ct,
        int? hop = null, bool early = false)
    {
        if (message.Length > RelayCellHeader.MaxDataLength) throw new ArgumentException("relay message too long", nameof(message));
        var layers = _layers;
        int target = hop ?? layers.Length - 1;
        if ((uint)target >= (uint)layers.Length) throw new ArgumentOutOfRangeException(nameof(hop));
        if (IsClosed) throw new OriginCircuitException("circuit is closed", CloseReason ?? DestroyReason.None);
        bool useEarly = early && Interlocked.Increment(ref _relayEarlySent) <= MaxRelayEarly;
        await _forwardGate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var cell = Channel.RentCell(Id, useEarly ? CellCommand.RelayEarly : CellCommand.Relay, out var body);
            body.Clear();
            new RelayCellHeader(command, 0, streamId, 0, (ushort)message.Length).WriteTo(body);
            message.Span.CopyTo(body[RelayCellHeader.HeaderLength..]);
            int padStart = RelayCellHeader.HeaderLength + message.Length + 4;
            if (padStart < body.Length) _random.Fill(body[padStart..]);
            layers[target].EncryptForward(body, isDestination: true);
            for (int i = target - 1; i >= 0; i--) layers[i].EncryptForward(body, isDestination: false);
            await Channel.EnqueueAsync(cell, this, ct).ConfigureAwait(false);
        }
        finally
        {
            _forwardGate.Release();
        }
    }

    /// <summary>A RELAY_DROP to the last hop (long-range padding; C tor's bandwidth self-test sends these).</summary>
    public ValueTask SendDropAsync(CancellationToken ct) => SendRelayAsync(RelayCommand.Drop, 0, default, ct);

    /// <summary>The next relay cell from any hop, in arrival order; throws <see cref="OriginCircuitException"/> once the circuit is closed.</summary>
    public async ValueTask<OriginRelayCell> ReceiveAsync(CancellationToken ct)
    {
        try
        {
            return await _received.Reader.ReadAsync(ct).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            throw new OriginCircuitException("circuit closed", CloseReason ?? DestroyReason.None);
        }
    }

    /// <summary>Sends DESTROY (unless the circuit is already gone) and forgets the circuit.</summary>
    public async ValueTask CloseAsync(DestroyReason reason = DestroyReason.Finished)
    {
        if (!MarkClosed(reason)) return;
        bool registered = Id.Value != 0 && Channel.Circuits.TryRemove(new KeyValuePair<uint, object>(Id.Value, this));
        Channel.DetachCircuit(this);
        if (registered && !Channel.IsClosed)
        {
            var payload = new byte[] { (byte)reason };
            await Channel.SendFixedAsync(Id, CellCommand.Destroy, payload, CancellationToken.None).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await CloseAsync().ConfigureAwait(false);
        lock (_backward)
        {
            foreach (var layer in _layers) layer.Dispose();
            _layers = [];
        }
        while (_received.Reader.TryRead(out var cell)) cell.Dispose();
    }

    // ---- Called by the circuit switch on the channel's read loop ----

    /// <summary>A CREATED_FAST or CREATED2 for our first hop.</summary>
    internal void OnCreated(CellCommand command, ReadOnlySequence<byte> payload) => _created?.TrySetResult((command, payload.ToArray()));

    /// <summary>The first hop destroyed the circuit, or the channel closed: nothing is sent back.</summary>
    internal void OnDestroyed(DestroyReason reason)
    {
        Channel.Circuits.TryRemove(new KeyValuePair<uint, object>(Id.Value, this));
        MarkClosed(reason);
    }

    /// <summary>A RELAY cell from the first hop: removes layers until a hop recognizes it, then queues it for the reader.</summary>
    internal void OnRelayCell(ReadOnlySequence<byte> payload)
    {
        var body = ArrayPool<byte>.Shared.Rent(RelayCellHeader.BodyLength);
        int hop = -1;
        RelayCellHeader header = default;
        lock (_backward)
        {
            var span = body.AsSpan(0, RelayCellHeader.BodyLength);
            payload.Slice(0, RelayCellHeader.BodyLength).CopyTo(span);
            var layers = _layers;
            for (int i = 0; i < layers.Length; i++)
            {
                if (!layers[i].DecryptBackward(span)) continue;
                if (RelayCellHeader.TryRead(span, out header, out _)) hop = i;
                break;
            }
        }
        if (hop < 0 || !_received.Writer.TryWrite(new OriginRelayCell(hop, header, body)))
        {
            // Not recognized by any hop, malformed, or beyond a circuit window: C tor closes the circuit.
            ArrayPool<byte>.Shared.Return(body);
            _ = CloseAsync(DestroyReason.Protocol);
        }
    }

    // ---- internals ----

    private void AddHop(ReadOnlySpan<byte> keys)
    {
        lock (_backward) _layers = [.. _layers, new RelayCryptoLayer(keys)];
    }

    private bool MarkClosed(DestroyReason reason)
    {
        if (Interlocked.Exchange(ref _closing, 1) != 0) return false;
        CloseReason = reason;
        _created?.TrySetException(new OriginCircuitException($"circuit destroyed ({reason})", reason));
        _received.Writer.TryComplete();
        _closed.Cancel();
        return true;
    }

    private async Task<T> WaitStepAsync<T>(Task<T> step, string what, CancellationToken ct)
    {
        try
        {
            return await step.WaitAsync(_stepTimeout, ct).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            await CloseAsync(DestroyReason.Timeout).ConfigureAwait(false);
            throw new OriginCircuitException($"no {what} within {_stepTimeout.TotalSeconds:0} s", DestroyReason.Timeout);
        }
    }

    /// <summary>A free circuit ID with the high bit set when we opened the channel (tor-spec §5.1.1), claimed for <paramref name="owner"/>.</summary>
    private static CircId Register(Channel channel, IRandomSource random, object owner)
    {
        Span<byte> r = stackalloc byte[4];
        while (true)
        {
            random.Fill(r);
            uint v = BinaryPrimitives.ReadUInt32BigEndian(r) & 0x7FFF_FFFFu;
            if (channel.WeInitiated) v |= 0x8000_0000u;
            if (v != 0 && channel.Circuits.TryAdd(v, owner)) return new CircId(v);
        }
    }
}
