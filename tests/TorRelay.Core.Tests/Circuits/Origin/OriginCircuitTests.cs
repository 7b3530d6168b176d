using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using TorRelay.Cells.Circuits;
using TorRelay.Cells.Link;
using TorRelay.Cells.Relay;
using TorRelay.Core.Channels;
using TorRelay.Core.Circuits;
using TorRelay.Core.Circuits.Origin;
using TorRelay.Core.Tests.Channels;
using TorRelay.Crypto;
using TorRelay.Crypto.Handshakes;
using TorRelay.Crypto.Relay;

namespace TorRelay.Core.Tests.Circuits.Origin;

/// <summary>
/// Our origin circuits against our own relay-side circuit switch, in process over real TLS channels: CREATE_FAST and
/// CREATE2 (ntor) first hops, EXTEND2 to a second relay, layered relay cells both ways, and DESTROY as a failure.
/// </summary>
public class OriginCircuitTests
{
    private static CancellationToken Timeout() => new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

    /// <summary>Answers ntor onion skins with one fixed onion key.</summary>
    private sealed class NtorResponder(byte[] identity, Curve25519KeyPair onionKey, bool refuse = false) : ICreateResponder
    {
        public bool TryRespond(HandshakeType type, ReadOnlySpan<byte> onionSkin, Span<byte> reply, out int replyLength, Span<byte> keyMaterial)
        {
            replyLength = NtorHandshake.ReplyLength;
            Span<byte> material = stackalloc byte[RelayCryptoLayer.KeyMaterialLength];
            if (refuse || type != HandshakeType.Ntor ||
                !NtorHandshake.ServerRespond(onionSkin, identity, onionKey, null, SystemRandom.Instance, reply, material)) return false;
            material.CopyTo(keyMaterial);
            return true;
        }
    }

    /// <summary>The relay role's EXTEND2 in a few lines: connect, CREATE2, answer EXTENDED2.</summary>
    private sealed class Extender(ChannelManager channels) : IRelayCommandHandler
    {
        public bool TryHandle(CircuitSwitch circuits, RelayCircuit circuit, RelayCellHeader header, ReadOnlySpan<byte> body, bool relayEarly)
        {
            if (header.Command != RelayCommand.Extend2 || !RelayCellHeader.TryGetData(body, out var data) ||
                !Extend2Message.TryDecode(data, out var request, out _)) return false;
            _ = Task.Run(async () =>
            {
                var next = await channels.GetOrOpenAsync(request.Ipv4EndPoint!, request.RsaIdentity.ToArray(), CancellationToken.None);
                var reply = await circuits.ExtendAsync(circuit, next, request.HandshakeType, request.HandshakeData, CancellationToken.None);
                var message = new byte[2 + reply!.Length];
                new Extended2Message(reply).EncodeTo(message);
                await circuits.SendRelayAsync(circuit, RelayCommand.Extended2, 0, message);
            });
            return true;
        }
    }

    private sealed class Relay : IAsyncDisposable
    {
        public required TestIdentity Identity { get; init; }
        public required Curve25519KeyPair OnionKey { get; init; }
        public required CircuitSwitch Switch { get; init; }
        public required OrPortListener Listener { get; init; }
        public required ChannelManager Channels { get; init; }

        public CircuitTarget Target => new("relay", Listener.LocalEndPoint, Identity.Rsa.PublicKey.Fingerprint,
            Identity.Master.PublicKey.Bytes, OnionKey.PublicKey.ToArray());

        public Task<Channel> ConnectAsync(ChannelManager origin, CancellationToken ct) =>
            origin.GetOrOpenAsync(Listener.LocalEndPoint, Identity.Rsa.PublicKey.Fingerprint, ct);

        public async ValueTask DisposeAsync()
        {
            await Listener.DisposeAsync();
            await Channels.DisposeAsync();
        }
    }

    private static async Task<Relay> StartRelayAsync(CancellationToken ct, bool refuse = false)
    {
        var identity = new TestIdentity();
        var onionKey = Curve25519KeyPair.Generate();
        var sw = new CircuitSwitch(new NtorResponder(identity.Rsa.PublicKey.Fingerprint, onionKey, refuse), SystemRandom.Instance, NullLogger.Instance);
        var (listener, manager, _) = await identity.ListenAsync(ct, handler: sw);
        sw.RelayHandler = new Extender(manager);
        return new Relay { Identity = identity, OnionKey = onionKey, Switch = sw, Listener = listener, Channels = manager };
    }

    /// <summary>The origin's side: a channel manager whose channels deliver circuit cells through a circuit switch.</summary>
    private static ChannelManager Origin() =>
        new TestIdentity().Client(handler: new CircuitSwitch(new NtorResponder(new byte[20], Curve25519KeyPair.Generate(), refuse: true),
            SystemRandom.Instance, NullLogger.Instance));

    [Fact]
    public async Task CreateFastHopAnswersARelayCommandFromTheFirstHop()
    {
        var ct = Timeout();
        await using var relay = await StartRelayAsync(ct);
        await using var origin = Origin();
        var channel = await relay.ConnectAsync(origin, ct);
        await using var circuit = await OriginCircuit.CreateAsync(channel, null, SystemRandom.Instance, ct);

        // A non-exit refuses BEGIN with END(EXITPOLICY): the answer proves both layers' keys and digests agree.
        await circuit.SendRelayAsync(RelayCommand.Begin, 7, "127.0.0.1:80\0"u8.ToArray(), ct);
        using var end = await circuit.ReceiveAsync(ct);
        Assert.Equal((0, RelayCommand.End, (ushort)7), (end.Hop, end.Command, end.Header.StreamId));
        Assert.Equal((byte)EndReason.ExitPolicy, end.Data[0]);
        Assert.Equal(1, relay.Switch.CircuitsOpen);
    }

    [Fact]
    public async Task Create2AndExtend2BuildATwoHopCircuitWhoseCellsReachEachHop()
    {
        var ct = Timeout();
        await using var first = await StartRelayAsync(ct);
        await using var second = await StartRelayAsync(ct);
        await using var origin = Origin();
        var channel = await first.ConnectAsync(origin, ct);
        await using var circuit = await OriginCircuit.CreateAsync(channel, first.Target, SystemRandom.Instance, ct);
        await circuit.ExtendAsync(second.Target, ct);
        Assert.Equal(2, circuit.HopCount);
        Assert.Equal(1, second.Switch.CircuitsOpen);

        await circuit.SendRelayAsync(RelayCommand.BeginDir, 3, default, ct);
        using (var end = await circuit.ReceiveAsync(ct))
            Assert.Equal((1, RelayCommand.End, (byte)EndReason.NotDirectory), (end.Hop, end.Command, end.Data[0]));
        await circuit.SendRelayAsync(RelayCommand.BeginDir, 4, default, ct, hop: 0);
        using (var end = await circuit.ReceiveAsync(ct))
            Assert.Equal((0, RelayCommand.End, (byte)4), (end.Hop, end.Command, (byte)end.Header.StreamId));
    }

    [Fact]
    public async Task RefusedCreate2ThrowsWithTheDestroyReasonAndLeavesNothingOnTheChannel()
    {
        var ct = Timeout();
        await using var relay = await StartRelayAsync(ct, refuse: true);
        await using var origin = Origin();
        var channel = await relay.ConnectAsync(origin, ct);

        var e = await Assert.ThrowsAsync<OriginCircuitException>(() => OriginCircuit.CreateAsync(channel, relay.Target, SystemRandom.Instance, ct));
        Assert.Equal(DestroyReason.Protocol, e.Reason);
        Assert.Empty(channel.Circuits);
    }

    [Fact]
    public async Task CloseSendsDestroyAndTheRelayFreesTheCircuit()
    {
        var ct = Timeout();
        await using var relay = await StartRelayAsync(ct);
        await using var origin = Origin();
        var channel = await relay.ConnectAsync(origin, ct);
        var circuit = await OriginCircuit.CreateAsync(channel, relay.Target, SystemRandom.Instance, ct);
        Assert.True((circuit.Id.Value & 0x8000_0000u) != 0, "we opened the channel: our circuit IDs have the high bit set");

        await circuit.DisposeAsync();
        Assert.True(circuit.IsClosed);
        Assert.Empty(channel.Circuits);
        while (relay.Switch.CircuitsOpen != 0) await Task.Delay(20, ct);
        await Assert.ThrowsAsync<OriginCircuitException>(() => circuit.ReceiveAsync(ct).AsTask());
    }

    [Fact]
    public async Task ExtendToAnUnreachableRelayFailsWithTheCircuitClosed()
    {
        var ct = Timeout();
        await using var relay = await StartRelayAsync(ct);
        await using var origin = Origin();
        var channel = await relay.ConnectAsync(origin, ct);
        var circuit = await OriginCircuit.CreateAsync(channel, relay.Target, SystemRandom.Instance, ct, TimeSpan.FromSeconds(5));
        var nowhere = relay.Target with { EndPoint = new IPEndPoint(IPAddress.Loopback, PortNobodyListensOn()) };

        await Assert.ThrowsAsync<OriginCircuitException>(() => circuit.ExtendAsync(nowhere, ct));
        Assert.True(circuit.IsClosed);
        await circuit.DisposeAsync();
    }

    private static int PortNobodyListensOn()
    {
        var l = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }
}
