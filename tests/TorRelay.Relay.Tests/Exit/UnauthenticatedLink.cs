using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using TorRelay.Core.Channels;
using TorRelay.Crypto;

namespace TorRelay.Relay.Tests.Exit;

/// <summary>
/// Opens a link as a tor client does (tor-spec §4): VERSIONS, the relay's cells, then only NETINFO, with no CERTS
/// or AUTHENTICATE (LinkHandshake as a client), so the relay sees an unauthenticated peer.
/// </summary>
internal static class UnauthenticatedLink
{
    public static async Task<Channel> OpenAsync(IPEndPoint relay, ILinkTransportFactory tls, IChannelCellHandler handler, CancellationToken ct)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        ILinkTransport link;
        try
        {
            await socket.ConnectAsync(relay, ct);
            link = await tls.ConnectAsync(socket, ct);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        LinkHandshakeResult result;
        try
        {
            result = await new LinkHandshake(tls.Credentials, [], TimeProvider.System, SystemRandom.Instance)
                .InitiateAsync(link, null, ct, asClient: true);
        }
        catch
        {
            await link.DisposeAsync();
            throw;
        }
        var channel = new Channel(link, result, NullLogger.Instance, TimeProvider.System, handler);
        _ = channel.RunAsync(ct);
        return channel;
    }
}
