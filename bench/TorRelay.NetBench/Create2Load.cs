using System.Buffers;
using System.Net;
using TorRelay.Cells;
using TorRelay.Cells.Circuits;
using TorRelay.Cells.Link;
using TorRelay.Core.Channels;

namespace TorRelay.NetBench;

/// <summary>
/// A CREATE2 (ntor) load that costs the benchmark little: one onion skin, made once for the relay's identity and ntor
/// key, sent again and again under fresh circuit IDs (ntor keeps no replay cache, so each one is a full server
/// handshake for the relay). Each link keeps a fixed number of CREATE2s in flight; a CREATED2 is answered with DESTROY
/// and the next CREATE2, so the relay holds no more circuits than that.
/// </summary>
public sealed class Create2Load : IChannelCellHandler, IAsyncDisposable
{
    private static readonly byte[] DestroyFinished = [(byte)DestroyReason.Finished];
    private readonly ClientLinks _links;
    private readonly byte[] _create2Payload;
    private readonly Func<ReadOnlyMemory<byte>, bool> _checkReply;
    private long _created, _refused, _checked, _bad;
    private readonly InitiatorCircIds _circIds = new();

    /// <param name="checkReply">Checks a CREATED2 body against the onion skin's client state (done for 1 in <see cref="CheckEvery"/>).</param>
    public Create2Load(BenchRelayIdentity identity, byte[] create2Payload, Func<ReadOnlyMemory<byte>, bool> checkReply)
    {
        _links = new ClientLinks(identity.Tls, this);
        _create2Payload = create2Payload;
        _checkReply = checkReply;
    }

    public const int CheckEvery = 256;

    public long Created => Interlocked.Read(ref _created);
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>CREATED2 replies checked to complete the ntor handshake (proof the relay did it), and those that did not.</summary>
    public long Checked => Interlocked.Read(ref _checked);
    public long Bad => Interlocked.Read(ref _bad);

    public async Task StartAsync(IPEndPoint relay, byte[] rsaFingerprint, int links, int inFlightPerLink, CancellationToken ct)
    {
        var opened = await _links.OpenAsync(relay, rsaFingerprint, links, ct).ConfigureAwait(false);
        foreach (var link in opened)
            for (int i = 0; i < inFlightPerLink; i++)
                await SendCreate2Async(link, ct).ConfigureAwait(false);
    }

    private ValueTask SendCreate2Async(Channel link, CancellationToken ct)
    {
        var cell = link.RentCell(_circIds.Next(), CellCommand.Create2, out var payload);
        _create2Payload.CopyTo(payload);
        payload[_create2Payload.Length..].Clear();
        return link.EnqueueAsync(cell, ct);
    }

    public async ValueTask<string?> HandleCellAsync(Channel channel, CellHeader header, ReadOnlySequence<byte> payload, CancellationToken ct)
    {
        switch (header.Command)
        {
            case CellCommand.Created2:
                if (Interlocked.Increment(ref _created) % CheckEvery == 1)
                {
                    Interlocked.Increment(ref _checked);
                    if (!_checkReply(payload.ToArray())) Interlocked.Increment(ref _bad);
                }
                await channel.SendFixedAsync(header.CircId, CellCommand.Destroy, DestroyFinished, ct).ConfigureAwait(false);
                await SendCreate2Async(channel, ct).ConfigureAwait(false);
                break;
            case CellCommand.Destroy:
                Interlocked.Increment(ref _refused);
                await SendCreate2Async(channel, ct).ConfigureAwait(false);
                break;
        }
        return null;
    }

    public ValueTask OnChannelClosedAsync(Channel channel) => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _links.DisposeAsync();
}
