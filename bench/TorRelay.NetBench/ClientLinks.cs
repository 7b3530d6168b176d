using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using TorRelay.Cells;
using TorRelay.Cells.Link;
using TorRelay.Core.Channels;

namespace TorRelay.NetBench;

/// <summary>
/// Links opened the way a Tor client opens them (tor-spec §4: VERSIONS, read the relay's CERTS and check its identity,
/// answer only NETINFO, no CERTS or AUTHENTICATE), so the relay sees unauthenticated client connections, as from a
/// flood of clients. Core's <see cref="LinkHandshake"/> always authenticates as a relay when it initiates, so this
/// client side lives here; TLS before and the channel after it are Core's. Owns and closes every link it opened.
/// </summary>
public sealed class ClientLinks(ILinkTransportFactory tls, IChannelCellHandler handler) : IAsyncDisposable
{
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(30);

    private readonly List<(Channel Channel, Task Running)> _links = new();

    /// <summary>Opens <paramref name="count"/> links in parallel to the relay with <paramref name="rsaFingerprint"/>.</summary>
    public async Task<Channel[]> OpenAsync(IPEndPoint relay, byte[] rsaFingerprint, int count, CancellationToken ct)
    {
        var opened = await Task.WhenAll(Enumerable.Range(0, count).Select(_ => OpenOneAsync(relay, rsaFingerprint, ct))).ConfigureAwait(false);
        lock (_links) _links.AddRange(opened);
        var channels = opened.Select(o => o.Channel).ToArray();
        if (channels.Any(c => c.LinkVersion < 4)) throw new InvalidOperationException("need link protocol 4+ (4-byte circuit IDs)");
        return channels;
    }

    private async Task<(Channel Channel, Task Running)> OpenOneAsync(IPEndPoint relay, byte[] rsaFingerprint, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(HandshakeTimeout);
        var socket = new Socket(relay.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        ILinkTransport? link = null;
        try
        {
            socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            await socket.ConnectAsync(relay, timeout.Token).ConfigureAwait(false);
            link = await tls.ConnectAsync(socket, timeout.Token).ConfigureAwait(false);
            var result = await HandshakeAsync(link, rsaFingerprint, timeout.Token).ConfigureAwait(false);
            var channel = new Channel(link, result, NullLogger.Instance, TimeProvider.System, handler);
            return (channel, Task.Run(() => channel.RunAsync(CancellationToken.None), CancellationToken.None));
        }
        catch
        {
            if (link is not null) await link.DisposeAsync().ConfigureAwait(false);
            else socket.Dispose();
            throw;
        }
    }

    private static async Task<LinkHandshakeResult> HandshakeAsync(ILinkTransport link, byte[] rsaFingerprint, CancellationToken ct)
    {
        var output = link.Transport.Output;
        CellFramer.WriteVar(output, 0, CircId.None, CellCommand.Versions, VersionsCell.Encode(LinkVersion.Supported));
        await output.FlushAsync(ct).ConfigureAwait(false);
        int version = 0;
        PeerIdentity? peer = null;
        while (true)
        {
            var (command, payload) = await ReadCellAsync(link.Transport.Input, version, ct).ConfigureAwait(false);
            switch (command)
            {
                case CellCommand.Versions when version == 0:
                    if (!VersionsCell.TryDecode(payload, out var theirs, out _)) throw new LinkHandshakeException("malformed VERSIONS");
                    version = VersionsCell.Negotiate(LinkVersion.Supported, theirs);
                    if (version < 3) throw new LinkHandshakeException("no common link protocol version");
                    break;
                case CellCommand.Certs when peer is null:
                    if (!CertsCell.TryDecode(payload, out var certs, out _)) throw new LinkHandshakeException("malformed CERTS");
                    if (!LinkCertValidator.TryValidateResponder(certs!, link.PeerCertificateDer, DateTimeOffset.UtcNow, out peer, out _, out var why))
                        throw new LinkHandshakeException("relay certificates rejected: " + why);
                    if (!peer!.RsaFingerprint.AsSpan().SequenceEqual(rsaFingerprint))
                        throw new LinkHandshakeException($"relay is {peer.Hex}, expected {Convert.ToHexString(rsaFingerprint)}");
                    break;
                case CellCommand.AuthChallenge or CellCommand.Padding or CellCommand.VPadding:
                    break; // a client does not authenticate
                case CellCommand.Netinfo when peer is not null:
                    if (!NetinfoCell.TryDecode(payload, out var netinfo, out _)) throw new LinkHandshakeException("malformed NETINFO");
                    // As C tor clients do: timestamp 0, the relay's address, none of our own.
                    var relayAddress = (link.RemoteEndPoint as IPEndPoint)?.Address;
                    CellFramer.WriteFixed(output, version, CircId.None, CellCommand.Netinfo, new NetinfoCell(0, relayAddress, []).Encode());
                    await output.FlushAsync(ct).ConfigureAwait(false);
                    return new LinkHandshakeResult(version, peer, Inbound: false, netinfo!, null, link.RemoteEndPoint);
                default:
                    throw new LinkHandshakeException($"unexpected command {(int)command} during handshake");
            }
        }
    }

    /// <summary>Reads one cell; leaves whatever follows it in the pipe for the channel.</summary>
    private static async Task<(CellCommand Command, byte[] Payload)> ReadCellAsync(PipeReader input, int version, CancellationToken ct)
    {
        while (true)
        {
            var result = await input.ReadAsync(ct).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (CellFramer.TryRead(ref buffer, version, out var header, out var payload, out _))
            {
                var bytes = payload.ToArray();
                input.AdvanceTo(buffer.Start);
                return (header.Command, bytes);
            }
            input.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted) throw new LinkHandshakeException("connection closed during handshake");
        }
    }

    public async ValueTask DisposeAsync()
    {
        List<(Channel Channel, Task Running)> links;
        lock (_links) links = _links.ToList();
        foreach (var (channel, _) in links) await channel.CloseAsync("benchmark over").ConfigureAwait(false);
        await Task.WhenAll(links.Select(l => l.Running)).ConfigureAwait(false);
    }
}
