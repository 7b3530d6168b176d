using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using TorRelay.Cells;
using TorRelay.Cells.Link;
using TorRelay.Core.Channels;
using TorRelay.Core.Tls;

namespace TorRelay.Core.Tests.Channels;

public class LinkHandshakeTests
{
    private static CancellationToken Timeout(int seconds = 30) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    [Fact]
    public async Task TwoRelaysAuthenticateEachOtherInBothRoles()
    {
        var ct = Timeout();
        var server = new TestIdentity();
        var client = new TestIdentity();
        var serverLogs = new CapturingLoggerFactory();
        var (listener, serverManager, _) = await server.ListenAsync(ct, serverLogs);
        await using var _l = listener;
        await using var _s = serverManager;
        await using var clientManager = client.Client();

        var channel = await clientManager.GetOrOpenAsync(listener.LocalEndPoint, server.Rsa.PublicKey.Fingerprint, ct);

        Assert.Equal(server.Hex, channel.Peer!.Hex);
        Assert.Equal(server.Master.PublicKey, channel.Peer.Ed25519Key);
        Assert.False(channel.Inbound);
        Assert.Equal(5, channel.LinkVersion);
        // The responder verified our AUTHENTICATE and knows who we are.
        await WaitUntil(() => serverManager.Snapshot().Any(c => c.Peer?.Hex == client.Hex), ct);
        // The line is logged just after the channel is registered.
        await WaitUntil(() => serverLogs.Contains($"Channel open: peer ${client.Hex} inbound, authenticated"), ct);
        // A second request reuses the canonical channel.
        Assert.Same(channel, await clientManager.GetOrOpenAsync(listener.LocalEndPoint, server.Rsa.PublicKey.Fingerprint, ct));
    }

    [Fact]
    public async Task InitiatorRefusesAResponderWithTheWrongIdentity()
    {
        var ct = Timeout();
        var server = new TestIdentity();
        var (listener, serverManager, _) = await server.ListenAsync(ct);
        await using var _l = listener;
        await using var _s = serverManager;
        var logs = new CapturingLoggerFactory();
        await using var clientManager = new TestIdentity().Client(logs);

        var wrong = new TestIdentity().Rsa.PublicKey.Fingerprint;
        var e = await Assert.ThrowsAsync<LinkHandshakeException>(() => clientManager.GetOrOpenAsync(listener.LocalEndPoint, wrong, ct));
        Assert.Contains("expected", e.Message);
        Assert.True(logs.Contains("Link handshake failed (outbound"));
    }

    [Fact]
    public async Task ResponderRejectsPeerWithoutCommonVersionAndKeepsServing()
    {
        var ct = Timeout();
        var server = new TestIdentity();
        var logs = new CapturingLoggerFactory();
        var (listener, serverManager, _) = await server.ListenAsync(ct, logs);
        await using var _l = listener;
        await using var _s = serverManager;

        await using (var raw = await RawTlsAsync(listener.LocalEndPoint, ct))
        {
            Write(raw.Transport.Output, 0, CellCommand.Versions, VersionsCell.Encode([1, 2]));
            await raw.Transport.Output.FlushAsync(ct);
            await AssertClosedAsync(raw.Transport.Input, ct);
        }
        await WaitUntil(() => logs.Contains("no common link protocol version"), ct);

        await using var clientManager = new TestIdentity().Client();
        var channel = await clientManager.GetOrOpenAsync(listener.LocalEndPoint, server.Rsa.PublicKey.Fingerprint, ct);
        Assert.Equal(server.Hex, channel.Peer!.Hex);
    }

    [Fact]
    public async Task ResponderRejectsForgedAuthenticate()
    {
        var ct = Timeout();
        var server = new TestIdentity();
        var logs = new CapturingLoggerFactory();
        var (listener, serverManager, _) = await server.ListenAsync(ct, logs);
        await using var _l = listener;
        await using var _s = serverManager;
        var attacker = new TestIdentity().Credentials(DateTimeOffset.UtcNow);

        await using var raw = await RawTlsAsync(listener.LocalEndPoint, ct);
        Write(raw.Transport.Output, 0, CellCommand.Versions, VersionsCell.Encode([4, 5]));
        await raw.Transport.Output.FlushAsync(ct);
        await ReadUntilAsync(raw.Transport.Input, CellCommand.Netinfo, ct);
        Write(raw.Transport.Output, 5, CellCommand.Certs, new CertsCell([
            (Cells.Certs.CertType.RsaAuthenticate, attacker.AuthCertDer),
            (Cells.Certs.CertType.RsaIdentity, attacker.IdentityCertDer),
            (Cells.Certs.CertType.Ed25519Signing, attacker.SigningCert.Encoded),
            (Cells.Certs.CertType.Ed25519Authenticate, attacker.AuthKeyCert.Encoded),
            (Cells.Certs.CertType.RsaEd25519Cross, attacker.CrossCert.Encoded),
        ]).Encode());
        // Valid certificates, but an authenticator that was not computed over this handshake.
        var junk = new byte[Auth3Authenticator.Length];
        Random.Shared.NextBytes(junk);
        Write(raw.Transport.Output, 5, CellCommand.Authenticate, new AuthenticateCell(3, junk).Encode());
        await raw.Transport.Output.FlushAsync(ct);

        await AssertClosedAsync(raw.Transport.Input, ct);
        await WaitUntil(() => logs.Contains("AUTHENTICATE fields do not match"), ct);
    }

    [Fact]
    public async Task ResponderRejectsTruncatedCellAtEndOfStream()
    {
        var ct = Timeout();
        var logs = new CapturingLoggerFactory();
        var (listener, serverManager, _) = await new TestIdentity().ListenAsync(ct, logs);
        await using var _l = listener;
        await using var _s = serverManager;

        var raw = await RawTlsAsync(listener.LocalEndPoint, ct);
        // A VERSIONS header promising 60000 bytes, then the end of the stream.
        raw.Transport.Output.Write(new byte[] { 0, 0, 7, 0xEA, 0x60, 0, 4 });
        await raw.Transport.Output.CompleteAsync();
        await WaitUntil(() => logs.Contains("truncated cell during handshake") || logs.Contains("oversized"), ct);
        await raw.DisposeAsync();
    }

    private static async Task<TlsConnection> RawTlsAsync(IPEndPoint endpoint, CancellationToken ct)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(endpoint, ct);
        return await TlsConnection.ConnectAsync(socket, TlsContext.CreateClient(), ct);
    }

    private static void Write(PipeWriter w, int version, CellCommand command, byte[] payload)
    {
        if (command.IsVariableLength()) CellFramer.WriteVar(w, version, CircId.None, command, payload);
        else CellFramer.WriteFixed(w, version, CircId.None, command, payload);
    }

    private static async Task ReadUntilAsync(PipeReader reader, CellCommand wanted, CancellationToken ct)
    {
        int version = 0;
        while (true)
        {
            var result = await reader.ReadAsync(ct);
            var buffer = result.Buffer;
            while (CellFramer.TryRead(ref buffer, version, out var h, out _, out _))
            {
                if (h.Command == CellCommand.Versions) version = 5;
                if (h.Command == wanted)
                {
                    reader.AdvanceTo(buffer.Start);
                    return;
                }
            }
            Assert.False(result.IsCompleted, $"stream ended before {wanted}");
            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private static async Task AssertClosedAsync(PipeReader reader, CancellationToken ct)
    {
        while (true)
        {
            ReadResult result;
            try
            {
                result = await reader.ReadAsync(ct);
            }
            catch (IOException)
            {
                return;
            }
            reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted) return;
        }
    }

    private static async Task WaitUntil(Func<bool> condition, CancellationToken ct)
    {
        while (!condition())
        {
            ct.ThrowIfCancellationRequested();
            await Task.Delay(20, ct);
        }
    }
}
