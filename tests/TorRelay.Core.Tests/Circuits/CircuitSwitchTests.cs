using System.Buffers;
using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using TorRelay.Cells;
using TorRelay.Cells.Circuits;
using TorRelay.Cells.Link;
using TorRelay.Cells.Relay;
using TorRelay.Core.Channels;
using TorRelay.Core.Circuits;
using TorRelay.Core.Tests.Channels;
using TorRelay.Crypto;
using TorRelay.Crypto.Handshakes;
using TorRelay.Crypto.Relay;

namespace TorRelay.Core.Tests.Circuits;

/// <summary>
/// Our circuit switch behind a real ORPort, driven by a client channel that sends well-formed and hostile cells:
/// each gets tor's answer (CREATED, DESTROY with a reason), circuits are freed, and the relay keeps serving.
/// </summary>
public class CircuitSwitchTests
{
    private static CancellationToken Timeout(int seconds = 30) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    /// <summary>Records every circuit cell the client side receives.</summary>
    private sealed class Recorder : IChannelCellHandler
    {
        public BlockingCollection<(CellCommand Command, uint CircId, byte[] Payload)> Cells { get; } = new();

        public ValueTask<string?> HandleCellAsync(Channel channel, CellHeader header, ReadOnlySequence<byte> payload, CancellationToken ct)
        {
            Cells.Add((header.Command, header.CircId.Value, payload.ToArray()));
            return ValueTask.FromResult<string?>(null);
        }

        public ValueTask OnChannelClosedAsync(Channel channel) => ValueTask.CompletedTask;

        public (CellCommand Command, uint CircId, byte[] Payload) Next(CancellationToken ct) => Cells.Take(ct);
    }

    /// <summary>Refuses every CREATE2 (as a wrong onion key would); CREATE_FAST needs no responder.</summary>
    private sealed class RefusingResponder : ICreateResponder
    {
        public bool TryRespond(HandshakeType type, ReadOnlySpan<byte> onionSkin, Span<byte> reply, out int replyLength, Span<byte> keyMaterial)
        {
            replyLength = 0;
            return false;
        }
    }

    private sealed class Setup : IAsyncDisposable
    {
        public required CircuitSwitch Switch { get; init; }
        public required ChannelManager Server { get; init; }
        public required ChannelManager ClientManager { get; init; }
        public required OrPortListener Listener { get; init; }
        public required Channel Channel { get; init; }
        public required Recorder Received { get; init; }

        public async ValueTask DisposeAsync()
        {
            await ClientManager.DisposeAsync();
            await Listener.DisposeAsync();
            await Server.DisposeAsync();
        }
    }

    private static async Task<Setup> StartAsync(CancellationToken ct)
    {
        var server = new TestIdentity();
        var sw = new CircuitSwitch(new RefusingResponder(), SystemRandom.Instance, NullLogger.Instance);
        var (listener, manager, _) = await server.ListenAsync(ct, handler: sw);
        var received = new Recorder();
        var client = new TestIdentity().Client(handler: received);
        var channel = await client.GetOrOpenAsync(listener.LocalEndPoint, server.Rsa.PublicKey.Fingerprint, ct);
        return new Setup { Switch = sw, Server = manager, ClientManager = client, Listener = listener, Channel = channel, Received = received };
    }

    /// <summary>CREATE_FAST, checked on our side: returns the client's view of the hop's crypto.</summary>
    private static async Task<RelayCryptoLayer> CreateFastAsync(Setup s, CircId id, CancellationToken ct)
    {
        var x = new byte[CreateFastHandshake.KeyLength];
        CreateFastHandshake.ClientCreate(SystemRandom.Instance, x);
        await s.Channel.SendFixedAsync(id, CellCommand.CreateFast, x, ct);
        var reply = s.Received.Next(ct);
        Assert.Equal(CellCommand.CreatedFast, reply.Command);
        Assert.Equal(id.Value, reply.CircId);
        var keys = new byte[RelayCryptoLayer.KeyMaterialLength];
        Assert.True(CreateFastHandshake.ClientFinish(x, reply.Payload.AsSpan(0, CreateFastHandshake.ReplyLength), keys));
        return new RelayCryptoLayer(keys);
    }

    private static byte[] RelayBody(RelayCryptoLayer crypto, RelayCommand command, ReadOnlySpan<byte> message)
    {
        var body = new byte[RelayCellHeader.BodyLength];
        new RelayCellHeader(command, 0, 0, 0, (ushort)message.Length).WriteTo(body);
        message.CopyTo(body.AsSpan(RelayCellHeader.HeaderLength));
        crypto.EncryptForward(body, isDestination: true);
        return body;
    }

    private static async Task WaitUntil(Func<bool> condition, CancellationToken ct)
    {
        while (!condition())
        {
            ct.ThrowIfCancellationRequested();
            await Task.Delay(20, ct);
        }
    }

    [Fact]
    public async Task CreateFastIsAnsweredAndDestroyFreesTheCircuit()
    {
        var ct = Timeout();
        await using var s = await StartAsync(ct);
        await CreateFastAsync(s, new CircId(0x80000001), ct);
        Assert.Equal(1, s.Switch.CircuitsOpen);

        await s.Channel.SendFixedAsync(new CircId(0x80000001), CellCommand.Destroy, new byte[] { (byte)DestroyReason.Finished }, ct);
        await WaitUntil(() => s.Switch.CircuitsOpen == 0, ct);
        Assert.Empty(s.Server.Snapshot().Single().Circuits);
    }

    [Fact]
    public async Task UnrecognizedRelayCellAtTheLastHopDestroysTheCircuitWithProtocolReason()
    {
        var ct = Timeout();
        await using var s = await StartAsync(ct);
        var id = new CircId(0x80000002);
        await CreateFastAsync(s, id, ct);
        var junk = new byte[RelayCellHeader.BodyLength];
        Random.Shared.NextBytes(junk); // a bad digest: not recognized, and there is no next hop
        await s.Channel.SendFixedAsync(id, CellCommand.Relay, junk, ct);

        var destroy = s.Received.Next(ct);
        Assert.Equal((CellCommand.Destroy, id.Value), (destroy.Command, destroy.CircId));
        Assert.Equal((byte)DestroyReason.Protocol, destroy.Payload[0]);
        await WaitUntil(() => s.Switch.CircuitsOpen == 0, ct);
    }

    [Fact]
    public async Task RecognizedDropIsConsumedAndANinthRelayEarlyDestroysTheCircuit()
    {
        var ct = Timeout();
        await using var s = await StartAsync(ct);
        var id = new CircId(0x80000003);
        var crypto = await CreateFastAsync(s, id, ct);
        for (int i = 0; i < RelayCircuit.MaxRelayEarly; i++)
            await s.Channel.SendFixedAsync(id, CellCommand.RelayEarly, RelayBody(crypto, RelayCommand.Drop, []), ct);
        await Task.Delay(300, ct);
        Assert.Equal(1, s.Switch.CircuitsOpen); // eight DROPs in RELAY_EARLY are fine

        await s.Channel.SendFixedAsync(id, CellCommand.RelayEarly, RelayBody(crypto, RelayCommand.Drop, []), ct);
        var destroy = s.Received.Next(ct);
        Assert.Equal(CellCommand.Destroy, destroy.Command);
        Assert.Equal((byte)DestroyReason.Protocol, destroy.Payload[0]);
    }

    [Fact]
    public async Task BadOnionSkinAndTapCreateAreRefusedWithDestroy()
    {
        var ct = Timeout();
        await using var s = await StartAsync(ct);
        var skin = new byte[4 + NtorHandshake.OnionSkinLength];
        skin[1] = (byte)HandshakeType.Ntor;
        skin[3] = NtorHandshake.OnionSkinLength;
        Random.Shared.NextBytes(skin.AsSpan(4));
        await s.Channel.SendFixedAsync(new CircId(0x80000004), CellCommand.Create2, skin, ct);
        var first = s.Received.Next(ct);
        Assert.Equal((CellCommand.Destroy, 0x80000004u, (byte)DestroyReason.Protocol), (first.Command, first.CircId, first.Payload[0]));

        await s.Channel.SendFixedAsync(new CircId(0x80000005), CellCommand.Create, new byte[186], ct);
        var second = s.Received.Next(ct);
        Assert.Equal((CellCommand.Destroy, 0x80000005u), (second.Command, second.CircId));
        Assert.Equal(0, s.Switch.CircuitsOpen);
    }

    [Fact]
    public async Task CreateWithTheWrongCircuitIdHighBitIsRefused()
    {
        var ct = Timeout();
        await using var s = await StartAsync(ct);
        // We opened the connection, so our circuit IDs must have the high bit set (tor-spec §5.1.1).
        await s.Channel.SendFixedAsync(new CircId(0x00000007), CellCommand.CreateFast, new byte[20], ct);
        var destroy = s.Received.Next(ct);
        Assert.Equal((CellCommand.Destroy, 7u, (byte)DestroyReason.Protocol), (destroy.Command, destroy.CircId, destroy.Payload[0]));
    }

    [Fact]
    public async Task Extend2WithGarbageOrOutsideRelayEarlyDestroysTheCircuit()
    {
        var ct = Timeout();
        await using var s = await StartAsync(ct);
        var id = new CircId(0x80000008);
        var crypto = await CreateFastAsync(s, id, ct);
        var garbage = new byte[60];
        Random.Shared.NextBytes(garbage);
        garbage[0] = 9; // nine link specifiers that are not there
        // No handler for EXTEND2 is registered here: the core must still refuse it rather than leave the client hanging.
        await s.Channel.SendFixedAsync(id, CellCommand.RelayEarly, RelayBody(crypto, RelayCommand.Extend2, garbage), ct);
        var destroy = s.Received.Next(ct);
        Assert.Equal((CellCommand.Destroy, id.Value, (byte)DestroyReason.Protocol), (destroy.Command, destroy.CircId, destroy.Payload[0]));
    }

    [Fact]
    public async Task ManyCreatesAreAllAnsweredAndALostChannelFreesEveryCircuit()
    {
        var ct = Timeout(60);
        await using var s = await StartAsync(ct);
        const int n = 500;
        for (uint i = 1; i <= n; i++)
        {
            var x = new byte[20];
            SystemRandom.Instance.Fill(x);
            await s.Channel.SendFixedAsync(new CircId(0x80000000 | (0x100 + i)), CellCommand.CreateFast, x, ct);
        }
        int created = 0;
        for (int i = 0; i < n; i++)
            if (s.Received.Next(ct).Command == CellCommand.CreatedFast) created++;
        Assert.Equal(n, created);
        Assert.Equal(n, s.Switch.CircuitsOpen);

        await s.Channel.CloseAsync("test");
        await WaitUntil(() => s.Switch.CircuitsOpen == 0, ct);

        // The relay keeps serving: a new channel and circuit work.
        await using var other = new TestIdentity().Client();
        var again = await other.GetOrOpenAsync(s.Listener.LocalEndPoint, s.Channel.Peer!.RsaFingerprint, ct);
        Assert.False(again.IsClosed);
    }
}
