using System.Runtime.CompilerServices;
using System.Net.Sockets;
using System.Security.Cryptography;
using TorRelay.Core.Tls;

namespace TorRelay.Core.Tests.Tls;

public sealed class TlsConnectionLoopbackTests : IDisposable
{
    private readonly TorTlsCertificates _certs = TlsTestSupport.NewCertificates();
    private readonly TlsContext _serverContext;
    private readonly TlsContext _clientContext = TlsContext.CreateClient();

    public TlsConnectionLoopbackTests() => _serverContext = _certs.CreateServerContext();

    public void Dispose()
    {
        _serverContext.Dispose();
        _clientContext.Dispose();
        _certs.Dispose();
    }

    [Fact]
    public async Task Handshake_NegotiatesTls13_AndClientSeesServerLinkCertificate()
    {
        var ct = TlsTestSupport.TimeoutToken();
        var (client, server) = await TlsTestSupport.ConnectPairAsync(_serverContext, _clientContext, ct);
        await using (client)
        await using (server)
        {
            Assert.Equal("TLSv1.3", client.Protocol);
            Assert.Equal("TLSv1.3", server.Protocol);
            Assert.Equal("TLS_AES_256_GCM_SHA384", client.CipherSuite);
            Assert.Equal(_certs.LinkCertDer, client.PeerCertificateDer);
            Assert.Equal(_certs.LinkCertDer, server.LocalCertificateDer);
            Assert.Null(server.PeerCertificateDer); // a plain client presents none
            Assert.Equal(client.LocalEndPoint, server.RemoteEndPoint);
        }
    }

    [Fact]
    public async Task Responder_LikeCTor_RequestsNoClientCertificate_EvenFromARelayInitiator()
    {
        var ct = TlsTestSupport.TimeoutToken();
        using var initiatorCerts = TlsTestSupport.NewCertificates();
        using var initiatorContext = initiatorCerts.CreateClientContext();
        var (client, server) = await TlsTestSupport.ConnectPairAsync(_serverContext, initiatorContext, ct);
        await using (client)
        await using (server)
        {
            Assert.Null(server.PeerCertificateDer);
            Assert.Equal(initiatorCerts.LinkCertDer, client.LocalCertificateDer);
            Assert.Equal(_certs.LinkCertDer, client.PeerCertificateDer);
        }
    }

    [Fact]
    public async Task Data_ManySmallWritesBothWays_ArriveIntactAndInOrder()
    {
        var ct = TlsTestSupport.TimeoutToken();
        byte[] up = RandomNumberGenerator.GetBytes(1024 * 1024);
        byte[] down = RandomNumberGenerator.GetBytes(1024 * 1024);
        var (client, server) = await TlsTestSupport.ConnectPairAsync(_serverContext, _clientContext, ct);
        await using (client)
        await using (server)
        {
            // 514 bytes: a Tor cell with 4-byte circuit ids.
            Task sendUp = client.Transport.Output.WriteInChunksAsync(up, 514, ct);
            Task sendDown = server.Transport.Output.WriteInChunksAsync(down, 514, ct);
            Task<byte[]> receivedUp = server.Transport.Input.ReadExactlyAsync(up.Length, ct);
            Task<byte[]> receivedDown = client.Transport.Input.ReadExactlyAsync(down.Length, ct);
            await Task.WhenAll(sendUp, sendDown);
            Assert.Equal(up, await receivedUp);
            Assert.Equal(down, await receivedDown);
        }
    }

    [Fact]
    public async Task Data_LargeWrites_ArriveIntact()
    {
        var ct = TlsTestSupport.TimeoutToken();
        byte[] data = RandomNumberGenerator.GetBytes(8 * 1024 * 1024 + 123);
        var (client, server) = await TlsTestSupport.ConnectPairAsync(_serverContext, _clientContext, ct);
        await using (client)
        await using (server)
        {
            Task send = client.Transport.Output.WriteInChunksAsync(data, 3 * 1024 * 1024, ct);
            byte[] received = await server.Transport.Input.ReadExactlyAsync(data.Length, ct);
            await send;
            Assert.Equal(data, received);
        }
    }

    [Fact]
    public async Task CompletingOutput_ClosesGracefully_PeerSeesAllDataThenEnd()
    {
        var ct = TlsTestSupport.TimeoutToken();
        byte[] data = RandomNumberGenerator.GetBytes(100_000);
        var (client, server) = await TlsTestSupport.ConnectPairAsync(_serverContext, _clientContext, ct);
        await using (client)
        await using (server)
        {
            await client.Transport.Output.WriteAsync(data, ct);
            await client.Transport.Output.CompleteAsync();
            Assert.Equal(data, await server.Transport.Input.ReadToEndAsync(ct));
        }
    }

    [Fact]
    public async Task Exporter_IsEqualOnBothEnds_AndDiffersPerConnection()
    {
        var ct = TlsTestSupport.TimeoutToken();
        const string label = "EXPORTER FOR TOR TLS CLIENT BINDING AUTH0003";
        byte[] context = RandomNumberGenerator.GetBytes(32);
        var first = await TlsTestSupport.ConnectPairAsync(_serverContext, _clientContext, ct);
        var second = await TlsTestSupport.ConnectPairAsync(_serverContext, _clientContext, ct);
        await using (first.Client)
        await using (first.Server)
        await using (second.Client)
        await using (second.Server)
        {
            byte[] a = Export(first.Client, label, context);
            Assert.Equal(a, Export(first.Server, label, context));
            Assert.NotEqual(a, Export(second.Client, label, context));
            Assert.Equal(Export(second.Client, label, context), Export(second.Server, label, context));
            Assert.NotEqual(a, Export(first.Client, label, RandomNumberGenerator.GetBytes(32)));
            Assert.NotEqual(a, Export(first.Client, label + "X", context));
        }
    }

    [Fact]
    public async Task Exporter_EmptyContextEqualsNoContext_UnderTls13()
    {
        var ct = TlsTestSupport.TimeoutToken();
        var (client, server) = await TlsTestSupport.ConnectPairAsync(_serverContext, _clientContext, ct);
        await using (client)
        await using (server)
        {
            var withEmpty = new byte[32];
            var without = new byte[32];
            client.ExportKeyingMaterial("label", ReadOnlySpan<byte>.Empty, withEmpty);
            server.ExportKeyingMaterial("label", without);
            Assert.Equal(withEmpty, without);
        }
    }

    [Fact]
    public async Task Abort_EndsPeerInput_AndLocalPipesFail()
    {
        var ct = TlsTestSupport.TimeoutToken();
        var (client, server) = await TlsTestSupport.ConnectPairAsync(_serverContext, _clientContext, ct);
        await using (client)
        await using (server)
        {
            client.Abort();
            // The peer sees the connection end (FIN or reset) instead of waiting for the timeout token.
            try { await server.Transport.Input.ReadToEndAsync(ct); }
            catch (IOException) { }
            await Assert.ThrowsAnyAsync<IOException>(async () => await client.Transport.Input.ReadToEndAsync(ct));
        }
    }

    [Fact]
    public async Task DisposeAsync_TwiceAndConcurrently_IsSafe()
    {
        var ct = TlsTestSupport.TimeoutToken();
        var (client, server) = await TlsTestSupport.ConnectPairAsync(_serverContext, _clientContext, ct);
        await Task.WhenAll(client.DisposeAsync().AsTask(), client.DisposeAsync().AsTask(), server.DisposeAsync().AsTask());
        await client.DisposeAsync();
        Assert.Throws<ObjectDisposedException>(() => client.ExportKeyingMaterial("x", new byte[32]));
    }

    [Fact]
    public async Task Handshake_IsBoundedByTheCancellationToken()
    {
        using var listener = TlsTestSupport.NewSocket();
        listener.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        listener.Listen();
        var socket = TlsTestSupport.NewSocket();
        await socket.ConnectAsync(listener.LocalEndPoint!);
        using Socket silent = await listener.AcceptAsync(); // never answers the ClientHello
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => TlsConnection.ConnectAsync(socket, _clientContext, cts.Token));
        Assert.Throws<ObjectDisposedException>(() => socket.Send(new byte[1])); // the connection owned and closed it
    }

    [Fact]
    public async Task OpenConnection_DoesNotKeepTheHandshakesCancellationSourceAlive()
    {
        // A socket keeps the registration of the last token its operations were given: a handshake that passed its
        // token to them kept the caller's source (a linked one per link, with its registrations) as long as the link.
        var (pair, source) = await ConnectWithOwnSourceAsync();
        try
        {
            var ct = TlsTestSupport.TimeoutToken();
            await pair.Client.Transport.Output.WriteAsync(new byte[514], ct);
            await pair.Server.Transport.Input.ReadExactlyAsync(514, ct);
            for (int i = 0; i < 3 && source.IsAlive; i++)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
            Assert.False(source.IsAlive);
        }
        finally
        {
            await pair.Client.DisposeAsync();
            await pair.Server.DisposeAsync();
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private async Task<((TlsConnection Client, TlsConnection Server), WeakReference)> ConnectWithOwnSourceAsync()
    {
        var cts = new CancellationTokenSource(TlsTestSupport.Timeout);
        var pair = await TlsTestSupport.ConnectPairAsync(_serverContext, _clientContext, cts.Token);
        cts.Dispose();
        return (pair, new WeakReference(cts));
    }

    [Fact]
    public async Task Handshake_AgainstNonTlsPeer_FailsWithTlsException()
    {
        var ct = TlsTestSupport.TimeoutToken();
        using var listener = TlsTestSupport.NewSocket();
        listener.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        listener.Listen();
        var socket = TlsTestSupport.NewSocket();
        await socket.ConnectAsync(listener.LocalEndPoint!, ct);
        using Socket peer = await listener.AcceptAsync(ct);
        await peer.SendAsync("HTTP/1.0 400 Bad Request\r\n\r\n"u8.ToArray(), ct);
        await Assert.ThrowsAsync<TlsException>(() => TlsConnection.ConnectAsync(socket, _clientContext, ct));
    }

    [Fact]
    public async Task Contexts_RejectTheWrongRole()
    {
        var socket = TlsTestSupport.NewSocket();
        await Assert.ThrowsAsync<ArgumentException>(() => TlsConnection.AcceptAsync(socket, _clientContext, default));
        Assert.Throws<ArgumentException>(() => TlsContext.CreateClient(_certs.LinkCertDer, null));
    }

    private static byte[] Export(TlsConnection connection, string label, byte[] context)
    {
        var output = new byte[32];
        connection.ExportKeyingMaterial(label, context, output);
        return output;
    }
}
