using System.Buffers;
using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using TorRelay.Cells;
using TorRelay.Cells.Circuits;
using TorRelay.Cells.Link;
using TorRelay.Cells.Relay;
using TorRelay.Core.Channels;
using TorRelay.Core.Circuits;
using TorRelay.Core.Metrics;
using TorRelay.Core.Streams;
using TorRelay.Core.Tests.Channels;
using TorRelay.Crypto;
using TorRelay.Crypto.Relay;

namespace TorRelay.Core.Tests.Circuits;

/// <summary>
/// A circuit that negotiated congestion control (proposal 324) at its CREATE2, driven over a real ORPort by a client
/// that behaves as C tor's: DATA we send stops at the congestion window until authenticated SENDMEs (every
/// cc_sendme_inc = 31 cells) acknowledge it; DATA the client sends is acknowledged every 31 cells; streams have no
/// SENDMEs (one is a protocol violation) but XOFF/XON.
/// </summary>
public sealed class CongestionControlCircuitTests
{
    private const int SendmeInc = 31;
    private const int CwndInit = 124;

    private static CancellationToken Timeout() => new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token;

    /// <summary>Grants CC whenever it is enabled, with fixed key material (the handshake itself is tested elsewhere).</summary>
    private sealed class GrantingResponder : ICreateResponder
    {
        public static byte[] Keys { get; } = Enumerable.Range(1, RelayCryptoLayer.KeyMaterialLength).Select(i => (byte)i).ToArray();

        public bool TryRespond(HandshakeType type, ReadOnlySpan<byte> onionSkin, Span<byte> reply, out int replyLength, Span<byte> keyMaterial) =>
            TryRespond(type, onionSkin, null, reply, out replyLength, keyMaterial, out _);

        public bool TryRespond(HandshakeType type, ReadOnlySpan<byte> onionSkin, byte? sendmeInc, Span<byte> reply, out int replyLength,
            Span<byte> keyMaterial, out bool congestionControl)
        {
            Keys.CopyTo(keyMaterial);
            reply[0] = sendmeInc ?? 0;
            replyLength = 1;
            congestionControl = sendmeInc is not null;
            return true;
        }
    }

    /// <summary>Accepts every BEGIN as a stream at this hop.</summary>
    private sealed class AcceptingHandler : IRelayCommandHandler
    {
        public BlockingCollection<EdgeStream> Streams { get; } = new();

        public bool TryHandle(CircuitSwitch circuits, RelayCircuit circuit, RelayCellHeader header, ReadOnlySpan<byte> body, bool relayEarly)
        {
            if (header.Command != RelayCommand.Begin) return false;
            Streams.Add(circuits.AcceptStream(circuit, header.StreamId)!);
            return true;
        }
    }

    /// <summary>The client's side: cells as received, decrypted with its copy of the hop's layer.</summary>
    private sealed class Client : IChannelCellHandler
    {
        public BlockingCollection<(CellCommand Command, byte[] Payload)> Cells { get; } = new();

        public ValueTask<string?> HandleCellAsync(Channel channel, CellHeader header, ReadOnlySequence<byte> payload, CancellationToken ct)
        {
            Cells.Add((header.Command, payload.ToArray()));
            return ValueTask.FromResult<string?>(null);
        }

        public ValueTask OnChannelClosedAsync(Channel channel) => ValueTask.CompletedTask;
    }

    private sealed class Setup : IAsyncDisposable
    {
        public required CircuitSwitch Switch { get; init; }
        public required CoreMetrics Metrics { get; init; }
        public required ChannelManager Server { get; init; }
        public required ChannelManager ClientManager { get; init; }
        public required OrPortListener Listener { get; init; }
        public required Channel Channel { get; init; }
        public required Client Received { get; init; }
        public required AcceptingHandler Handler { get; init; }
        public RelayCryptoLayer Crypto { get; } = new(GrantingResponder.Keys);
        public CircId Id { get; } = new(0x80000001);

        public RelayCircuit Circuit =>
            Server.Snapshot().SelectMany(c => c.Circuits.Values).OfType<CircuitLeg>().Single(l => l.IsPrevious).Circuit;

        /// <summary>Encrypts and sends one relay cell; returns the digest the relay will have after it.</summary>
        public async Task<byte[]> SendAsync(RelayCommand command, ushort streamId, ReadOnlyMemory<byte> message, CancellationToken ct)
        {
            var body = new byte[RelayCellHeader.BodyLength];
            new RelayCellHeader(command, 0, streamId, 0, (ushort)message.Length).WriteTo(body);
            message.Span.CopyTo(body.AsSpan(RelayCellHeader.HeaderLength));
            Crypto.EncryptForward(body, isDestination: true);
            var digest = Crypto.LastForwardDigest.ToArray();
            await Channel.SendFixedAsync(Id, CellCommand.Relay, body, ct);
            return digest;
        }

        /// <summary>The next cell from the relay; for RELAY, decrypted, with the digest a SENDME acknowledging it carries.</summary>
        public (CellCommand Command, RelayCellHeader Header, byte[] Message, byte[] Digest) Next(CancellationToken ct)
        {
            var (command, payload) = Received.Cells.Take(ct);
            if (command != CellCommand.Relay) return (command, default, payload, []);
            var body = payload.AsSpan(0, RelayCellHeader.BodyLength).ToArray();
            Assert.True(Crypto.DecryptBackward(body));
            Assert.True(RelayCellHeader.TryRead(body, out var header, out _));
            Assert.True(RelayCellHeader.TryGetData(body, out var data));
            return (command, header, data.ToArray(), Crypto.LastBackwardDigest.ToArray());
        }

        public Task<byte[]> SendSendmeAsync(byte[] digest, CancellationToken ct)
        {
            var sendme = new byte[3 + SendmeMessage.DigestLength];
            new SendmeMessage(digest).EncodeTo(sendme);
            return SendAsync(RelayCommand.Sendme, 0, sendme, ct);
        }

        public async ValueTask DisposeAsync()
        {
            await ClientManager.DisposeAsync();
            await Listener.DisposeAsync();
            await Server.DisposeAsync();
            Metrics.Dispose();
            Crypto.Dispose();
        }
    }

    /// <summary>A circuit (CREATE2, CC granted) with one stream open at the relay.</summary>
    private static async Task<(Setup Setup, EdgeStream Stream)> OpenAsync(CancellationToken ct)
    {
        var server = new TestIdentity();
        var metrics = new CoreMetrics();
        var handler = new AcceptingHandler();
        var sw = new CircuitSwitch(new GrantingResponder(), SystemRandom.Instance, NullLogger.Instance, metrics) { RelayHandler = handler };
        var (listener, manager, _) = await server.ListenAsync(ct, handler: sw);
        var received = new Client();
        var clientManager = new TestIdentity().Client(handler: received);
        var channel = await clientManager.GetOrOpenAsync(listener.LocalEndPoint, server.Rsa.PublicKey.Fingerprint, ct);
        var s = new Setup
        {
            Switch = sw, Metrics = metrics, Server = manager, ClientManager = clientManager, Listener = listener, Channel = channel,
            Received = received, Handler = handler,
        };
        var create = new byte[4 + 32];
        new Create2Cell(HandshakeType.NtorV3, new byte[32]).EncodeTo(create);
        await channel.SendFixedAsync(s.Id, CellCommand.Create2, create, ct);
        var created = s.Next(ct);
        Assert.Equal(CellCommand.Created2, created.Command);
        Assert.Equal(SendmeInc, created.Message[2]); // the responder was offered the consensus cc_sendme_inc
        var begin = new byte[RelayCellHeader.MaxDataLength];
        int n = new BeginMessage("127.0.0.1", 80).EncodeTo(begin);
        await s.SendAsync(RelayCommand.Begin, 1, begin.AsMemory(0, n), ct);
        return (s, s.Handler.Streams.Take(ct));
    }

    [Fact]
    public async Task DataStopsAtTheCongestionWindowUntilAuthenticatedSendmesEvery31Cells()
    {
        var ct = Timeout();
        var (s, stream) = await OpenAsync(ct);
        await using var owned = s;
        var cc = s.Circuit.Congestion;
        Assert.NotNull(cc);
        Assert.Equal(SendmeInc, s.Circuit.SendmeIncrement);

        const int total = 300;
        var write = stream.WriteAsync(new byte[total * RelayCellHeader.MaxDataLength], ct);
        var acknowledged = new List<byte[]>();
        for (int i = 1; i <= CwndInit; i++)
        {
            var cell = s.Next(ct);
            Assert.Equal((RelayCommand.Data, (ushort)1), (cell.Header.Command, cell.Header.StreamId));
            if (i % SendmeInc == 0) acknowledged.Add(cell.Digest);
        }
        // The window is full: the writer waits for SENDMEs and nothing more is in flight.
        Assert.Equal(CwndInit, cc.Inflight);
        Assert.False(write.IsCompleted);

        foreach (var digest in acknowledged) await s.SendSendmeAsync(digest, ct);
        for (int i = CwndInit + 1; i <= total; i++)
        {
            var cell = s.Next(ct);
            Assert.Equal(RelayCommand.Data, cell.Header.Command);
            if (i % SendmeInc == 0) await s.SendSendmeAsync(cell.Digest, ct);
        }
        await write.WaitAsync(ct);
        Assert.True(cc.Cwnd >= CwndInit);

        Assert.Equal(1, s.Metrics.Congestion.CircuitsCreated);
    }

    [Fact]
    public async Task ASendmeForCellsNeverSentOrWithAWrongDigestClosesTheCircuit()
    {
        var ct = Timeout();
        var (s, _) = await OpenAsync(ct);
        await using var owned = s;
        await s.SendSendmeAsync(new byte[SendmeMessage.DigestLength], ct);
        var destroy = s.Next(ct);
        Assert.Equal(CellCommand.Destroy, destroy.Command);
        Assert.Equal((byte)DestroyReason.Protocol, destroy.Message[0]);
        Assert.Equal(1, s.Metrics.Congestion.CircuitsClosed);
    }

    [Fact]
    public async Task AStreamSendmeOnACongestionControlledCircuitClosesIt()
    {
        var ct = Timeout();
        var (s, _) = await OpenAsync(ct);
        await using var owned = s;
        await s.SendAsync(RelayCommand.Sendme, 1, ReadOnlyMemory<byte>.Empty, ct);
        var destroy = s.Next(ct);
        Assert.Equal(CellCommand.Destroy, destroy.Command);
        Assert.Equal((byte)DestroyReason.Protocol, destroy.Message[0]);
    }

    [Fact]
    public async Task ClientDataIsAcknowledgedEvery31CellsWithoutStreamSendmes()
    {
        var ct = Timeout();
        var (s, stream) = await OpenAsync(ct);
        await using var owned = s;
        var digests = new List<byte[]>();
        // 600 cells: more than the 500-cell stream window a circuit without CC would enforce.
        const int cells = 600;
        for (int i = 1; i <= cells; i++)
        {
            var digest = await s.SendAsync(RelayCommand.Data, 1, new byte[RelayCellHeader.MaxDataLength], ct);
            if (i % SendmeInc == 0) digests.Add(digest);
        }
        long read = 0;
        while (read < cells * RelayCellHeader.MaxDataLength)
        {
            var result = await stream.ReadAsync(ct);
            read += result.Buffer.Length;
            await stream.Consume(result.Buffer);
        }
        foreach (var expected in digests)
        {
            var cell = s.Next(ct);
            if (cell.Header.Command is RelayCommand.Xoff or RelayCommand.Xon) continue; // flow control may speak up
            Assert.Equal((RelayCommand.Sendme, (ushort)0), (cell.Header.Command, cell.Header.StreamId));
            Assert.True(SendmeMessage.TryDecode(cell.Message, out var sendme, out _));
            Assert.Equal(1, sendme.Version);
            Assert.True(sendme.DigestEquals(expected));
        }
        Assert.False(stream.IsClosed);
    }

    [Fact]
    public async Task XoffPausesTheStreamAndXonResumesItAtTheAdvisedRate()
    {
        var ct = Timeout();
        var (s, stream) = await OpenAsync(ct);
        await using var owned = s;
        var xoff = new byte[XoffMessage.Length];
        new XoffMessage().EncodeTo(xoff);
        await s.SendAsync(RelayCommand.Xoff, 1, xoff, ct);
        while (stream.Flow!.CanRead) await Task.Delay(10, ct);

        var write = stream.WriteAsync(new byte[10 * RelayCellHeader.MaxDataLength], ct);
        var readable = stream.WaitUntilReadableAsync(ct).AsTask();
        Assert.False(readable.IsCompleted);
        Assert.Equal(0, s.Circuit.Congestion!.Inflight);

        var xon = new byte[XonMessage.Length];
        new XonMessage(kbpsEwma: 2000).EncodeTo(xon);
        await s.SendAsync(RelayCommand.Xon, 1, xon, ct);
        await readable.WaitAsync(ct);
        // The XON resumes waiters inline on the relay's read loop, this test too: the blocking reads below must not run
        // there, or they would hold it before the end of its batch, where it writes the DATA cells.
        await Task.Yield();
        for (int i = 0; i < 10; i++) Assert.Equal(RelayCommand.Data, s.Next(ct).Header.Command);
        await write.WaitAsync(ct);
        Assert.Equal(2_000_000, stream.ReadRateBytesPerSecond);
        Assert.Equal(1, stream.Flow.XoffReceivedCount);
        Assert.Equal(1, stream.Flow.XonReceivedCount);
    }

    [Fact]
    public async Task ASecondXoffAndAMalformedXonAreIgnored()
    {
        var ct = Timeout();
        var (s, stream) = await OpenAsync(ct);
        await using var owned = s;
        await s.SendAsync(RelayCommand.Xoff, 1, new byte[] { 0 }, ct);
        await s.SendAsync(RelayCommand.Xoff, 1, new byte[] { 0 }, ct);
        await s.SendAsync(RelayCommand.Xon, 1, new byte[] { 1, 0, 0, 0, 1 }, ct); // version 1: malformed
        await s.SendAsync(RelayCommand.Xon, 7, new byte[] { 0, 0, 0, 0, 1 }, ct); // unknown stream
        while (stream.Flow!.RejectedCount < 2) await Task.Delay(10, ct);
        Assert.False(stream.Flow.CanRead);
        Assert.Equal(1, stream.Flow.XoffReceivedCount);
        Assert.Equal(0, stream.Flow.XonReceivedCount);
        Assert.False(s.Circuit.IsClosed);
    }
}
