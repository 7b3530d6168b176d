using System.Net.Sockets;

namespace TorRelay.Core.Channels;

/// <summary>Wraps a connected socket in TLS with our current link certificate, as responder or as initiator.</summary>
public interface ILinkTransportFactory
{
    Task<ILinkTransport> AcceptAsync(Socket socket, CancellationToken ct);
    Task<ILinkTransport> ConnectAsync(Socket socket, CancellationToken ct);

    /// <summary>The credentials that go with the TLS certificate this factory presents now.</summary>
    LinkCredentials Credentials { get; }
}
