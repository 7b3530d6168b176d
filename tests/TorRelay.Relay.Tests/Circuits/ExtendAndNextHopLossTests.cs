using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using TorRelay.Cells;
using TorRelay.Cells.Circuits;
using TorRelay.Cells.Link;
using TorRelay.Cells.Relay;
using TorRelay.Core.Channels;
using TorRelay.Core.Circuits;
using TorRelay.Crypto;
using TorRelay.Crypto.Handshakes;
using TorRelay.Crypto.Relay;
using TorRelay.Relay.Circuits;
using TorRelay.Relay.Keys;

namespace TorRelay.Relay.Tests.Circuits;

/// <summary>
/// Two of our relays, A and B, and a client: the client builds a circuit to A (CREATE_FAST) and extends it to B
/// (EXTEND2 with an ntor onion skin for B's onion key). When B goes away, A destroys the circuit towards the client
/// and frees it.
/// </summary>
public sealed class ExtendAndNextHopLossTests : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _cleanup = new();
    private readonly List<string> _dirs = new();
    private readonly CancellationTokenSource _cts = new(TimeSpan.FromSeconds(60));

    private sealed class Recorder : IChannelCellHandler
    {
        public BlockingCollection<(CellCommand Command, uint CircId, byte[] Payload)> Cells { get; } = new();

        public ValueTask<string?> HandleCellAsync(Channel channel, CellHeader header, ReadOnlySequence<byte> payload, CancellationToken ct)
        {
            Cells.Add((header.Command, header.CircId.Value, payload.ToArray()));
            return ValueTask.FromResult<string?>(null);
        }

        public ValueTask OnChannelClosedAsync(Channel channel) => ValueTask.CompletedTask;
    }

    private sealed record Node(RelayKeys Keys, ChannelManager Channels, CircuitSwitch Switch, OrPortListener? Listener);

    private async Task<Node> StartRelayAsync(bool listen, IChannelCellHandler? clientHandler = null)
    {
        await Task.Yield();
        string dir = System.IO.Directory.CreateTempSubdirectory("torrelay-extend-").FullName;
        _dirs.Add(dir);
        var store = new RelayKeyStore(dir, TimeProvider.System, NullLogger.Instance);
        var keys = store.LoadOrCreate();
        var tls = new TlsLinkTransportFactory(new LinkCredentialsFactory(TimeProvider.System, SystemRandom.Instance).Create(keys));
        var channels = new ChannelManager(tls, () => [IPAddress.Loopback], null, TimeProvider.System, SystemRandom.Instance,
            NullLoggerFactory.Instance);
        var sw = new CircuitSwitch(new RelayCreateResponder(store, SystemRandom.Instance), SystemRandom.Instance, NullLogger.Instance);
        sw.RelayHandler = new ExtendHandler(channels, () => keys.Identity.PublicKey.Fingerprint, allowPrivateAddresses: true,
            NullLogger.Instance, _cts.Token);
        channels.CellHandler = clientHandler ?? sw;
        _cleanup.Add(channels);
        OrPortListener? listener = null;
        if (listen)
        {
            listener = new OrPortListener(new IPEndPoint(IPAddress.Loopback, 0), channels, NullLogger.Instance);
            listener.Start();
            _ = listener.RunAsync(_cts.Token);
            _cleanup.Add(listener);
        }
        return new Node(keys, channels, sw, listener);
    }

    [Fact]
    public async Task ClientExtendsThroughOurRelayAndLosingTheNextHopDestroysAndFreesTheCircuit()
    {
        var ct = _cts.Token;
        var a = await StartRelayAsync(listen: true);
        var b = await StartRelayAsync(listen: true);
        var received = new Recorder();
        var client = await StartRelayAsync(listen: false, clientHandler: received);
        var toA = await client.Channels.GetOrOpenAsync(a.Listener!.LocalEndPoint, a.Keys.Identity.PublicKey.Fingerprint, ct);
        var id = new CircId(0x80000042);

        // Hop 1: CREATE_FAST to A.
        var x = new byte[CreateFastHandshake.KeyLength];
        CreateFastHandshake.ClientCreate(SystemRandom.Instance, x);
        await toA.SendFixedAsync(id, CellCommand.CreateFast, x, ct);
        var created = await Task.Run(() => received.Cells.Take(ct));
        Assert.Equal(CellCommand.CreatedFast, created.Command);
        var k1 = new byte[RelayCryptoLayer.KeyMaterialLength];
        Assert.True(CreateFastHandshake.ClientFinish(x, created.Payload.AsSpan(0, CreateFastHandshake.ReplyLength), k1));
        using var hop1 = new RelayCryptoLayer(k1);

        // Hop 2: EXTEND2 to B with an ntor onion skin for B's current onion key.
        var skin = new byte[NtorHandshake.OnionSkinLength];
        using var ntor = NtorHandshake.ClientCreate(b.Keys.Identity.PublicKey.Fingerprint, b.Keys.NtorOnionKey.PublicKey, SystemRandom.Instance, skin);
        var extend = new Extend2Message([LinkSpecifier.FromEndPoint(b.Listener!.LocalEndPoint),
            LinkSpecifier.LegacyId(b.Keys.Identity.PublicKey.Fingerprint), LinkSpecifier.Ed25519Id(b.Keys.MasterIdentityKey.Bytes)],
            HandshakeType.Ntor, skin);
        var message = new byte[RelayCellHeader.MaxDataLength];
        int length = extend.EncodeTo(message);
        var body = new byte[RelayCellHeader.BodyLength];
        new RelayCellHeader(RelayCommand.Extend2, 0, 0, 0, (ushort)length).WriteTo(body);
        message.AsSpan(0, length).CopyTo(body.AsSpan(RelayCellHeader.HeaderLength));
        hop1.EncryptForward(body, isDestination: true);
        await toA.SendFixedAsync(id, CellCommand.RelayEarly, body, ct);

        var back = await Task.Run(() => received.Cells.Take(ct));
        Assert.Equal(CellCommand.Relay, back.Command);
        var reply = back.Payload.AsSpan(0, RelayCellHeader.BodyLength).ToArray();
        Assert.True(hop1.DecryptBackward(reply));
        Assert.True(RelayCellHeader.TryRead(reply, out var header, out _));
        Assert.Equal(RelayCommand.Extended2, header.Command);
        Assert.True(RelayCellHeader.TryGetData(reply, out var data));
        Assert.True(Extended2Message.TryDecode(data, out var extended, out _));
        var k2 = new byte[RelayCryptoLayer.KeyMaterialLength + 20];
        Assert.True(NtorHandshake.ClientFinish(ntor, extended.HandshakeData.Span, k2)); // B proved its onion key
        Assert.Equal(1, a.Switch.CircuitsOpen);
        Assert.Equal(1, b.Switch.CircuitsOpen);

        // B disappears: A must not keep a half circuit; the client hears DESTROY and A frees it.
        await b.Listener.DisposeAsync();
        await b.Channels.DisposeAsync();
        var destroy = await Task.Run(() => received.Cells.Take(ct));
        Assert.Equal((CellCommand.Destroy, id.Value), (destroy.Command, destroy.CircId));
        Assert.Equal((byte)DestroyReason.ChannelClosed, destroy.Payload[0]);
        while (a.Switch.CircuitsOpen != 0) await Task.Delay(20, ct);
        Assert.Empty(a.Channels.Snapshot().Single(c => c.Peer?.Hex == client.Keys.Fingerprint).Circuits);

        // A keeps serving: the client builds a new circuit.
        await toA.SendFixedAsync(new CircId(0x80000043), CellCommand.CreateFast, x, ct);
        Assert.Equal(CellCommand.CreatedFast, (await Task.Run(() => received.Cells.Take(ct))).Command);
    }

    public async ValueTask DisposeAsync()
    {
        _cts.Cancel();
        foreach (var d in _cleanup) await d.DisposeAsync();
        foreach (var d in _dirs) System.IO.Directory.Delete(d, recursive: true);
    }
}
