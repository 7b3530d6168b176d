using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using TorRelay.Cells;
using TorRelay.Cells.Link;
using TorRelay.Core.Channels;

namespace TorRelay.Relay.Tests.Exit;

/// <summary>
/// Opens a link as a tor client does (tor-spec §4): VERSIONS, the relay's cells, then only NETINFO, with no CERTS
/// or AUTHENTICATE, so the relay sees an unauthenticated peer. Our own initiator always authenticates.
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
        int version;
        NetinfoCell netinfo;
        try
        {
            var output = link.Transport.Output;
            CellFramer.WriteVar(output, 0, default, CellCommand.Versions, VersionsCell.Encode(LinkVersion.Supported));
            await output.FlushAsync(ct);
            (version, netinfo) = await ReadUntilNetinfoAsync(link.Transport.Input, ct);
            // A client's NETINFO: timestamp 0 and no addresses of its own (tor-spec §4.5).
            CellFramer.WriteFixed(output, version, default, CellCommand.Netinfo, new NetinfoCell(0, relay.Address, []).Encode());
            await output.FlushAsync(ct);
        }
        catch
        {
            await link.DisposeAsync();
            throw;
        }
        var channel = new Channel(link, new LinkHandshakeResult(version, null, Inbound: false, netinfo, null, relay), NullLogger.Instance,
            TimeProvider.System, handler);
        _ = channel.RunAsync(ct);
        return channel;
    }

    /// <summary>The relay's VERSIONS (its version negotiated), CERTS and AUTH_CHALLENGE (ignored), and its NETINFO.</summary>
    private static async Task<(int Version, NetinfoCell Netinfo)> ReadUntilNetinfoAsync(PipeReader input, CancellationToken ct)
    {
        int version = 0;
        while (true)
        {
            var result = await input.ReadAsync(ct);
            var buffer = result.Buffer;
            while (CellFramer.TryRead(ref buffer, version, out var header, out var payload, out _))
            {
                if (header.Command == CellCommand.Versions)
                {
                    Assert.True(VersionsCell.TryDecode(payload.ToArray(), out var theirs, out _));
                    version = VersionsCell.Negotiate(LinkVersion.Supported, theirs);
                }
                else if (header.Command == CellCommand.Netinfo)
                {
                    Assert.True(NetinfoCell.TryDecode(payload.ToArray(), out var netinfo, out _));
                    input.AdvanceTo(buffer.Start);
                    return (version, netinfo!);
                }
            }
            input.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted) throw new IOException("the relay closed the link during the handshake");
        }
    }
}
