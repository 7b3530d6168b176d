using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using TorRelay.Core.Tls;

namespace TorRelay.Core.Channels;

/// <summary>
/// OpenSSL-backed TLS for links. Holds the current TLS certificate and the credentials that go with it; swapping in
/// new credentials (link key rotation) affects only connections made afterwards.
/// </summary>
public sealed class TlsLinkTransportFactory : ILinkTransportFactory, IDisposable
{
    private sealed record Current(LinkCredentials Credentials, TlsContext Server, TlsContext Client);

    private Current _current;
    private Current? _previous;

    private readonly ITlsTrafficObserver? _traffic;

    public TlsLinkTransportFactory(LinkCredentials credentials, ITlsTrafficObserver? traffic = null)
    {
        _traffic = traffic;
        _current = Make(credentials);
    }

    public LinkCredentials Credentials => Volatile.Read(ref _current).Credentials;

    /// <summary>
    /// Starts using new credentials. The replaced contexts are freed one rotation later, so a handshake that picked
    /// them up just before the swap never sees a freed context (live SSL objects hold their own OpenSSL reference).
    /// </summary>
    public void Update(LinkCredentials credentials)
    {
        var old = Interlocked.Exchange(ref _current, Make(credentials));
        var older = Interlocked.Exchange(ref _previous, old);
        older?.Server.Dispose();
        older?.Client.Dispose();
    }

    public async Task<ILinkTransport> AcceptAsync(Socket socket, CancellationToken ct)
    {
        try
        {
            return new Adapter(await TlsConnection.AcceptAsync(socket, Volatile.Read(ref _current).Server, ct).ConfigureAwait(false));
        }
        catch (TlsException e)
        {
            throw new TlsFailure(e.Message);
        }
    }

    public async Task<ILinkTransport> ConnectAsync(Socket socket, CancellationToken ct)
    {
        try
        {
            return new Adapter(await TlsConnection.ConnectAsync(socket, Volatile.Read(ref _current).Client, ct).ConfigureAwait(false));
        }
        catch (TlsException e)
        {
            throw new TlsFailure(e.Message);
        }
    }

    private Current Make(LinkCredentials c)
    {
        var server = TlsContext.CreateServer(c.LinkCertDer, c.LinkKey);
        var client = TlsContext.CreateClient(c.LinkCertDer, c.LinkKey);
        server.Traffic = client.Traffic = _traffic;
        return new(c, server, client);
    }

    public void Dispose()
    {
        foreach (var c in new[] { _current, _previous })
        {
            c?.Server.Dispose();
            c?.Client.Dispose();
        }
    }

    private sealed class Adapter(TlsConnection tls) : ILinkTransport
    {
        public IDuplexPipe Transport => tls.Transport;
        public byte[]? PeerCertificateDer => tls.PeerCertificateDer;
        public EndPoint? RemoteEndPoint => tls.RemoteEndPoint;
        public void ExportKeyingMaterial(string label, ReadOnlySpan<byte> context, Span<byte> output) =>
            tls.ExportKeyingMaterial(label, context, output);
        public void Abort() => tls.Abort();
        public ValueTask DisposeAsync() => tls.DisposeAsync();
    }
}
