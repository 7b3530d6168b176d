using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using TorRelay.Cells.Relay;
using TorRelay.Core.Streams;
using TorRelay.Directory.Policy;
using TorRelay.Relay.Exit;
using static TorRelay.Relay.Tests.Exit.ExitRelayHarness;

namespace TorRelay.Relay.Tests.Exit;

/// <summary>
/// Exit streams end to end in one process: a client circuit to our relay (CREATE_FAST over a real ORPort), BEGIN and
/// RESOLVE to destinations on 127.0.0.1, and the exact relay cells that come back, with the END reasons C tor's
/// connection_exit_begin_conn, dns_resolve and connection_exit_connect give.
/// </summary>
public sealed class ExitStreamTests
{
    private const int LiteralTtl = ExitHandler.LiteralAddressTtl; // 1800 = 0x708
    private static readonly byte[] Loopback = [127, 0, 0, 1];

    private static ExitPolicy AcceptLoopbackOnly() => Policy(rejectPrivate: false, "accept 127.0.0.1:*", "reject *:*");

    private static TcpListener Listen()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return listener;
    }

    private static ushort PortOf(TcpListener listener) => (ushort)((IPEndPoint)listener.LocalEndpoint).Port;

    private static byte[] Be32(int v) => [(byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v];

    /// <summary>The relay's reply to a BEGIN on <paramref name="streamId"/>, which must be END with exactly <paramref name="body"/>.</summary>
    private static async Task<EndMessage> ExpectEndAsync(ClientCircuit client, ushort streamId, byte[] body, CancellationToken ct)
    {
        var cell = await client.NextAsync(ct);
        Assert.Equal((RelayCommand.End, streamId), (cell.Command, cell.StreamId));
        Assert.Equal(body, cell.Message);
        Assert.True(EndMessage.TryDecode(cell.Message, out var end, out _));
        return end;
    }

    /// <summary>CONNECTED for a literal 127.0.0.1: the address and C tor's DEFAULT_DNS_TTL (tor-spec §6.2).</summary>
    private static async Task ExpectConnectedToLoopbackAsync(ClientCircuit client, ushort streamId, CancellationToken ct)
    {
        var connected = await client.NextAsync(ct);
        Assert.Equal((RelayCommand.Connected, streamId), (connected.Command, connected.StreamId));
        Assert.Equal([.. Loopback, .. Be32(LiteralTtl)], connected.Message);
    }

    /// <summary>
    /// RESOLVE of a literal on a fresh stream, answered at once: returns the cells the relay sent before that answer,
    /// so an empty list shows that it sent nothing beyond what the test already read.
    /// </summary>
    private static async Task<List<ClientRelayCell>> CellsBeforeBarrierAsync(ClientCircuit client, ushort streamId, CancellationToken ct)
    {
        await client.SendAsync(streamId, new ResolveMessage("127.0.0.1"), ct);
        var before = new List<ClientRelayCell>();
        while (true)
        {
            var cell = await client.NextAsync(ct);
            if (cell.Command == RelayCommand.Resolved && cell.StreamId == streamId) return before;
            before.Add(cell);
        }
    }

    /// <summary>The relay sent nothing beyond what was read, and <paramref name="destination"/> saw no connection.</summary>
    private static async Task AssertNothingMoreAsync(ClientCircuit client, ushort barrierStreamId, CancellationToken ct,
        TcpListener? destination = null)
    {
        Assert.Empty(await CellsBeforeBarrierAsync(client, barrierStreamId, ct));
        Assert.False(destination?.Pending() ?? false, "the exit connected to the destination");
    }

    [Fact]
    public async Task BeginToANameThatResolvesToAPrivateAddressIsRefusedByPolicyOnTheResolvedAddress()
    {
        // ExitPolicyRejectPrivate puts "reject private:*" before the ExitPolicy lines, so 127.0.0.1 is refused.
        await using var h = await StartAsync(Policy(rejectPrivate: true, "accept 127.0.0.1:*"));
        var ct = h.Timeout;
        h.Resolver.Names["private.test"] = (IPAddress.Loopback, 300);
        using var listener = Listen();
        var client = await h.RelayClientAsync(ct);

        await client.SendAsync(1, new BeginMessage("private.test", PortOf(listener)), ct);

        // tor-spec §6.3: EXITPOLICY carries the refused address and its TTL (C tor's connection_edge_end).
        var end = await ExpectEndAsync(client, 1, [(byte)EndReason.ExitPolicy, .. Loopback, .. Be32(300)], ct);
        Assert.Equal((EndReason.ExitPolicy, IPAddress.Loopback, 300), (end.Reason, end.Address, end.Ttl));
        await AssertNothingMoreAsync(client, 2, ct, listener);
        Assert.Equal(1, h.Resolver.Lookups);
    }

    [Fact]
    public async Task BeginToAnAllowedAddressEchoesOverAMebibyteWithinTheWindowsAndEndsWithDoneWhenTheServerCloses()
    {
        await using var h = await StartAsync(AcceptLoopbackOnly());
        var ct = h.Timeout;
        using var listener = Listen();
        var data = RandomNumberGenerator.GetBytes(1_100_000);
        // 2,209 DATA cells: more than a circuit window (1,000) each way, and not a multiple of 100, so the relay's
        // last circuit SENDME precedes the DATA that completes the echo.
        int cells = (data.Length + RelayCellHeader.MaxDataLength - 1) / RelayCellHeader.MaxDataLength;
        var echo = EchoAsync(listener, data.Length, ct);
        var client = await h.RelayClientAsync(ct);

        await client.SendAsync(1, new BeginMessage("127.0.0.1", PortOf(listener)), ct);
        await ExpectConnectedToLoopbackAsync(client, 1, ct);

        var sending = client.SendDataAsync(1, data, ct);
        var received = new MemoryStream();
        int streamSendmes = 0;
        while (true)
        {
            var cell = await client.NextAsync(ct);
            if (cell.Command == RelayCommand.End)
            {
                Assert.Equal((ushort)1, cell.StreamId);
                Assert.Equal([(byte)EndReason.Done], cell.Message);
                break;
            }
            Assert.Contains(cell.Command, new[] { RelayCommand.Data, RelayCommand.Sendme });
            if (cell.Command == RelayCommand.Data)
            {
                Assert.Equal((ushort)1, cell.StreamId);
                received.Write(cell.Message);
            }
            else if (cell.StreamId != 0)
            {
                Assert.Equal((ushort)1, cell.StreamId);
                Assert.Empty(cell.Message);
                streamSendmes++;
            }
        }
        await sending;
        await echo;

        Assert.Equal(data.Length, received.Length);
        Assert.True(data.AsSpan().SequenceEqual(received.ToArray()), "the echo differs from what was sent");
        // One authenticated circuit SENDME per 100 DATA cells the relay received, each echoing our digest (checked
        // by the client as it reads them).
        Assert.Equal(cells / 100, client.CircuitSendmesReceived);
        // Stream SENDMEs as the relay handed our data to the destination: enough to send it all, at most one per 50.
        Assert.InRange(streamSendmes, (cells - EdgeStream.StreamWindow + EdgeStream.StreamIncrement - 1) / EdgeStream.StreamIncrement,
            cells / EdgeStream.StreamIncrement);
    }

    [Fact]
    public async Task ClientEndWhileTheDestinationStillSendsStopsTheStreamAndClosesTheDestinationConnection()
    {
        await using var h = await StartAsync(AcceptLoopbackOnly());
        var ct = h.Timeout;
        using var listener = Listen();
        var destinationClosed = FloodUntilClosedAsync(listener, ct);
        var client = await h.RelayClientAsync(ct);

        await client.SendAsync(1, new BeginMessage("127.0.0.1", PortOf(listener)), ct);
        await ExpectConnectedToLoopbackAsync(client, 1, ct);
        for (int data = 0; data < 20;)
        {
            var cell = await client.NextAsync(ct);
            if (cell.Command == RelayCommand.Data) data++;
        }

        await client.EndStreamAsync(1, ct);
        await destinationClosed;

        // DATA the relay had sent before it read our END may still arrive, but no END back (tor-spec §6.3) ...
        var inFlight = await CellsBeforeBarrierAsync(client, 2, ct);
        Assert.All(inFlight, c => Assert.Equal((RelayCommand.Data, (ushort)1), (c.Command, c.StreamId)));
        // ... and, the destination's connection being closed, nothing more at all.
        await AssertNothingMoreAsync(client, 3, ct);
        Assert.Equal(0, h.OnlyCircuit().StreamCount);
    }

    [Fact]
    public async Task BeginToAPortWithNoListenerEndsWithConnectRefused()
    {
        await using var h = await StartAsync(AcceptLoopbackOnly());
        var ct = h.Timeout;
        ushort port;
        using (var gone = Listen()) port = PortOf(gone);
        var client = await h.RelayClientAsync(ct);

        await client.SendAsync(1, new BeginMessage("127.0.0.1", port), ct);

        await ExpectEndAsync(client, 1, [(byte)EndReason.ConnectRefused], ct);
        await AssertNothingMoreAsync(client, 2, ct);
    }

    [Fact]
    public async Task BeginToANameTheResolverDoesNotKnowEndsWithResolveFailed()
    {
        await using var h = await StartAsync(AcceptLoopbackOnly());
        var ct = h.Timeout;
        var client = await h.RelayClientAsync(ct);

        await client.SendAsync(1, new BeginMessage("nowhere.test", 80), ct);

        await ExpectEndAsync(client, 1, [(byte)EndReason.ResolveFailed], ct);
        Assert.Equal(1, h.Resolver.Lookups);
        await AssertNothingMoreAsync(client, 2, ct);
    }

    [Fact]
    public async Task NonExitRefusesANameWithoutLookingItUpAndAnAddressByPolicy()
    {
        await using var h = await StartAsync(ExitPolicy.RejectAll);
        var ct = h.Timeout;
        h.Resolver.Names["known.test"] = (IPAddress.Loopback, 300);
        using var listener = Listen();
        var client = await h.RelayClientAsync(ct);

        // C tor's dns_resolve_impl: "If we're a non-exit, don't even do DNS lookups."
        await client.SendAsync(1, new BeginMessage("known.test", PortOf(listener)), ct);
        await ExpectEndAsync(client, 1, [(byte)EndReason.ResolveFailed], ct);
        // A literal needs no lookup; connection_exit_connect then refuses it by policy, with the literal's TTL.
        await client.SendAsync(2, new BeginMessage("127.0.0.1", PortOf(listener)), ct);
        await ExpectEndAsync(client, 2, [(byte)EndReason.ExitPolicy, .. Loopback, .. Be32(LiteralTtl)], ct);

        await AssertNothingMoreAsync(client, 3, ct, listener);
        Assert.Equal(0, h.Resolver.Lookups);
    }

    [Fact]
    public async Task BeginFromAPlainClientOnItsFirstHopEndsWithTorProtocol()
    {
        await using var h = await StartAsync(AcceptLoopbackOnly());
        var ct = h.Timeout;
        using var listener = Listen();
        var client = await h.UnauthenticatedClientAsync(ct);
        Assert.Null(h.OnlyCircuit().Previous.Peer);

        await client.SendAsync(1, new BeginMessage("127.0.0.1", PortOf(listener)), ct);

        // No single-hop exiting (C tor: "Attempt by ... to open a stream on first hop of circuit").
        await ExpectEndAsync(client, 1, [(byte)EndReason.TorProtocol], ct);
        await AssertNothingMoreAsync(client, 2, ct, listener);
    }

    [Fact]
    public async Task BeginFromARelayNotInTheConsensusEndsWithMisc()
    {
        var asked = new List<byte[]>();
        await using var h = await StartAsync(AcceptLoopbackOnly(), fingerprint =>
        {
            lock (asked) asked.Add(fingerprint);
            return false;
        });
        var ct = h.Timeout;
        using var listener = Listen();
        var client = await h.RelayClientAsync(ct);

        await client.SendAsync(1, new BeginMessage("127.0.0.1", PortOf(listener)), ct);

        // RefuseUnknownExits (default on): "Attempt by ... to open a stream from unknown relay".
        await ExpectEndAsync(client, 1, [(byte)EndReason.Misc], ct);
        Assert.Equal(h.ClientFingerprints.Single(), Assert.Single(asked));
        await AssertNothingMoreAsync(client, 2, ct, listener);
    }

    [Fact]
    public async Task ResolveAnswersWithTheResolversAddressAndTtl()
    {
        await using var h = await StartAsync(AcceptLoopbackOnly());
        var ct = h.Timeout;
        h.Resolver.Names["www.example.test"] = (IPAddress.Parse("192.0.2.7"), 600);
        var client = await h.RelayClientAsync(ct);

        await client.SendAsync(5, new ResolveMessage("www.example.test"), ct);

        var cell = await client.NextAsync(ct);
        Assert.Equal((RelayCommand.Resolved, (ushort)5), (cell.Command, cell.StreamId));
        // tor-spec §6.4: type 4, length 4, the address, TTL.
        Assert.Equal([(byte)ResolvedType.Ipv4, 4, 192, 0, 2, 7, .. Be32(600)], cell.Message);
        Assert.Equal(1, h.Resolver.Lookups);
        await AssertNothingMoreAsync(client, 6, ct);
    }

    [Fact]
    public async Task ResolveOfANameTheResolverDoesNotKnowAnswersANonTransientError()
    {
        await using var h = await StartAsync(AcceptLoopbackOnly());
        var ct = h.Timeout;
        var client = await h.RelayClientAsync(ct);

        await client.SendAsync(5, new ResolveMessage("nowhere.test"), ct);

        var cell = await client.NextAsync(ct);
        Assert.Equal((RelayCommand.Resolved, (ushort)5), (cell.Command, cell.StreamId));
        Assert.True(ResolvedMessage.TryDecode(cell.Message, out var resolved, out _));
        Assert.Equal(ResolvedType.ErrorNonTransient, Assert.Single(resolved.Answers).Type);
        Assert.Equal(1, h.Resolver.Lookups);
        await AssertNothingMoreAsync(client, 6, ct);
    }

    [Fact]
    public async Task ResolveOfAnInAddrArpaNameAnswersTheReverseLookupAndNeverLooksUpAnInternalAddress()
    {
        await using var h = await StartAsync(AcceptLoopbackOnly());
        var ct = h.Timeout;
        h.Resolver.Reverse[IPAddress.Parse("1.2.3.4")] = ("host.example.test", 900);
        var client = await h.RelayClientAsync(ct);

        await client.SendAsync(5, new ResolveMessage("4.3.2.1.in-addr.arpa"), ct);
        var cell = await client.NextAsync(ct);
        Assert.Equal((RelayCommand.Resolved, (ushort)5), (cell.Command, cell.StreamId));
        Assert.Equal([(byte)ResolvedType.Hostname, 17, .. Encoding.ASCII.GetBytes("host.example.test"), .. Be32(900)], cell.Message);

        // tor_addr_is_internal: 127.0.0.1 is never asked about; the answer is an error.
        await client.SendAsync(6, new ResolveMessage("1.0.0.127.in-addr.arpa"), ct);
        cell = await client.NextAsync(ct);
        Assert.Equal((RelayCommand.Resolved, (ushort)6), (cell.Command, cell.StreamId));
        Assert.True(ResolvedMessage.TryDecode(cell.Message, out var refused, out _));
        Assert.Equal(ResolvedType.ErrorNonTransient, Assert.Single(refused.Answers).Type);

        Assert.Equal((1, 0), (h.Resolver.Reverses, h.Resolver.Lookups));
        await AssertNothingMoreAsync(client, 7, ct);
    }

    [Fact]
    public async Task MalformedBeginEndsWithTorProtocolAndTheCircuitStaysUsable()
    {
        await using var h = await StartAsync(AcceptLoopbackOnly());
        var ct = h.Timeout;
        using var listener = Listen();
        var client = await h.RelayClientAsync(ct);
        string target = $"127.0.0.1:{PortOf(listener)}";
        // C tor's begin_cell_parse: no NUL, no port, port 0.
        byte[][] malformed = [Encoding.ASCII.GetBytes(target), "127.0.0.1\0"u8.ToArray(), "127.0.0.1:0\0"u8.ToArray()];

        for (ushort id = 1; id <= malformed.Length; id++)
        {
            await client.SendAsync(RelayCommand.Begin, id, malformed[id - 1], ct);
            await ExpectEndAsync(client, id, [(byte)EndReason.TorProtocol], ct);
        }
        Assert.False(listener.Pending());

        var accepted = listener.AcceptSocketAsync(ct);
        await client.SendAsync(9, new BeginMessage("127.0.0.1", PortOf(listener)), ct);
        await ExpectConnectedToLoopbackAsync(client, 9, ct);
        using var destination = await accepted;
        await AssertNothingMoreAsync(client, 10, ct);
    }

    [Fact]
    public async Task BeginOnAStreamIdInUseIsDroppedWithoutTouchingThatStream()
    {
        await using var h = await StartAsync(AcceptLoopbackOnly());
        var ct = h.Timeout;
        using var listener = Listen();
        var accepted = listener.AcceptSocketAsync(ct);
        var client = await h.RelayClientAsync(ct);
        await client.SendAsync(1, new BeginMessage("127.0.0.1", PortOf(listener)), ct);
        await ExpectConnectedToLoopbackAsync(client, 1, ct);
        using var destination = await accepted;

        // C tor's handle_relay_msg: "Begin cell for known stream. Dropping." -- before it parses or checks anything,
        // so an END here would end the client's live stream 1 while ours went on.
        await client.SendAsync(1, new BeginMessage("127.0.0.1", PortOf(listener)), ct);
        await client.SendAsync(RelayCommand.Begin, 1, Encoding.ASCII.GetBytes("127.0.0.1:80"), ct);

        await AssertNothingMoreAsync(client, 2, ct, listener);
        Assert.True(h.OnlyCircuit().TryGetStream(1, out var live));
        Assert.False(live.IsClosed);
    }

    /// <summary>Echoes what arrives until <paramref name="total"/> bytes went back, then closes (the exit sees EOF).</summary>
    private static async Task EchoAsync(TcpListener listener, long total, CancellationToken ct)
    {
        using var socket = await listener.AcceptSocketAsync(ct);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        var buffer = new byte[64 * 1024];
        for (long echoed = 0; echoed < total;)
        {
            int n = await stream.ReadAsync(buffer, ct);
            if (n == 0) throw new IOException($"the exit closed after {echoed} of {total} bytes");
            await stream.WriteAsync(buffer.AsMemory(0, n), ct);
            echoed += n;
        }
    }

    /// <summary>Writes to the exit's connection without pause until the exit closes it (EOF or reset).</summary>
    private static async Task FloodUntilClosedAsync(TcpListener listener, CancellationToken ct)
    {
        using var socket = await listener.AcceptSocketAsync(ct);
        using var stopWriting = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var writing = Task.Run(async () =>
        {
            var chunk = RandomNumberGenerator.GetBytes(4096);
            try
            {
                while (true) await socket.SendAsync(chunk, SocketFlags.None, stopWriting.Token);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException)
            {
            }
        }, CancellationToken.None);
        var sink = new byte[4096];
        try
        {
            while (await socket.ReceiveAsync(sink, SocketFlags.None, ct) > 0)
            {
            }
        }
        catch (SocketException)
        {
        }
        stopWriting.Cancel();
        await writing;
    }
}
