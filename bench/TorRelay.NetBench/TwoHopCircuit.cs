using TorRelay.Cells;
using TorRelay.Cells.Circuits;
using TorRelay.Cells.Relay;
using TorRelay.Core.Channels;
using TorRelay.Crypto;
using TorRelay.Crypto.Handshakes;
using TorRelay.Crypto.Relay;

namespace TorRelay.NetBench;

/// <summary>
/// The origin side of a two-hop circuit, as a client keeps it: CREATE_FAST to the relay under test, then EXTEND2 (ntor)
/// through it to a <see cref="DropSink"/>, one tor1 layer per hop. Core has only the relay side of circuits, so this
/// small piece of client logic lives here, built on Crypto's origin-side functions.
/// </summary>
public sealed class TwoHopCircuit : IDisposable
{
    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(30);

    private TwoHopCircuit(Channel link, CircId id, RelayCryptoLayer hop1, RelayCryptoLayer hop2)
    {
        Link = link;
        Id = id;
        Hop1 = hop1;
        Hop2 = hop2;
    }

    public Channel Link { get; }
    public CircId Id { get; }
    public RelayCryptoLayer Hop1 { get; }
    public RelayCryptoLayer Hop2 { get; }

    /// <summary>Waits for the next circuit cell on <c>id</c>: its command and payload.</summary>
    public delegate Task<(CellCommand Command, byte[] Payload)> ReplyWaiter(CircId id);

    public static async Task<TwoHopCircuit> BuildAsync(Channel link, CircId id, DropSink sink, ReplyWaiter expect, CancellationToken ct)
    {
        var x = new byte[CreateFastHandshake.KeyLength];
        CreateFastHandshake.ClientCreate(SystemRandom.Instance, x);
        var reply = expect(id);
        await link.SendFixedAsync(id, CellCommand.CreateFast, x, ct).ConfigureAwait(false);
        var (command, payload) = await reply.WaitAsync(ReplyTimeout, ct).ConfigureAwait(false);
        var keys = new byte[RelayCryptoLayer.KeyMaterialLength];
        if (command != CellCommand.CreatedFast ||
            !CreateFastHandshake.ClientFinish(x, payload.AsSpan(0, CreateFastHandshake.ReplyLength), keys))
            throw new InvalidOperationException($"CREATE_FAST answered with {command}");
        var hop1 = new RelayCryptoLayer(keys);

        var skin = new byte[NtorHandshake.OnionSkinLength];
        using var ntor = NtorHandshake.ClientCreate(sink.RsaFingerprint, sink.NtorOnionKey, SystemRandom.Instance, skin);
        var extend = new Extend2Message([LinkSpecifier.FromEndPoint(sink.EndPoint), LinkSpecifier.LegacyId(sink.RsaFingerprint),
            LinkSpecifier.Ed25519Id(sink.Ed25519Identity)], HandshakeType.Ntor, skin);
        var cell = link.RentCell(id, CellCommand.RelayEarly, out var body);
        body.Clear();
        RelayCellHeader.Compose(body, 0, in extend);
        hop1.EncryptForward(body, isDestination: true);
        reply = expect(id);
        await link.EnqueueAsync(cell, ct).ConfigureAwait(false);
        (command, payload) = await reply.WaitAsync(ReplyTimeout, ct).ConfigureAwait(false);
        if (command != CellCommand.Relay || !hop1.DecryptBackward(payload) || !RelayCellHeader.TryRead(payload, out var header, out _)
            || header.Command != RelayCommand.Extended2 || !RelayCellHeader.TryGetData(payload, out var data)
            || !Extended2Message.TryDecode(data, out var extended, out _)
            || !NtorHandshake.ClientFinish(ntor, extended.HandshakeData.Span, keys))
        {
            hop1.Dispose();
            throw new InvalidOperationException($"EXTEND2 to the sink failed (answer: {command})");
        }
        return new TwoHopCircuit(link, id, hop1, new RelayCryptoLayer(keys));
    }

    /// <summary>Writes a RELAY_DROP for the sink into a 509-byte body and adds both layers (the sink's first).</summary>
    public void SealDrop(Span<byte> body)
    {
        body.Clear();
        RelayCellHeader.Compose(body, 0, default(DropMessage));
        Hop2.EncryptForward(body, isDestination: true);
        Hop1.EncryptForward(body, isDestination: false);
    }

    public void Dispose()
    {
        Hop1.Dispose();
        Hop2.Dispose();
    }
}
