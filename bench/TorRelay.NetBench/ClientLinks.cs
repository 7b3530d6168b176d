using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using TorRelay.Cells;
using TorRelay.Cells.Link;
using TorRelay.Core.Channels;
using TorRelay.Crypto;

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

    /// <summary>Links the relay refused (its DoS connection defence closes them before the handshake ends).</summary>
    public int Refused { get; private set; }

    /// <summary>
    /// Opens <paramref name="count"/> links in parallel to the relay with <paramref name="rsaFingerprint"/>; with
    /// <paramref name="tolerateRefusals"/> the ones it refuses are counted in <see cref="Refused"/> instead of failing.
    /// </summary>
    public async Task<Channel[]> OpenAsync(IPEndPoint relay, byte[] rsaFingerprint, int count, CancellationToken ct, bool tolerateRefusals = false)
    {
        var attempts = Enumerable.Range(0, count).Select(_ => OpenOneAsync(relay, rsaFingerprint, ct)).ToList();
        try
        {
            await Task.WhenAll(attempts).ConfigureAwait(false);
        }
        catch (Exception) when (tolerateRefusals && attempts.Any(a => a.IsCompletedSuccessfully))
        {
        }
        Refused = attempts.Count(a => !a.IsCompletedSuccessfully);
        var opened = attempts.Where(a => a.IsCompletedSuccessfully).Select(a => a.Result).ToList();
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

    private Task<LinkHandshakeResult> HandshakeAsync(ILinkTransport link, byte[] rsaFingerprint, CancellationToken ct) =>
        new LinkHandshake(tls.Credentials, [], TimeProvider.System, SystemRandom.Instance).InitiateAsync(link, rsaFingerprint, ct, asClient: true);

    public async ValueTask DisposeAsync()
    {
        List<(Channel Channel, Task Running)> links;
        lock (_links) links = _links.ToList();
        foreach (var (channel, _) in links) await channel.CloseAsync("benchmark over").ConfigureAwait(false);
        await Task.WhenAll(links.Select(l => l.Running)).ConfigureAwait(false);
    }
}
