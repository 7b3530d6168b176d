using System.Buffers;
using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using TorRelay.Cells;
using TorRelay.Cells.Circuits;
using TorRelay.Cells.Link;
using TorRelay.Cells.Relay;
using TorRelay.Core.Channels;
using TorRelay.Crypto;
using TorRelay.Crypto.Relay;
using TorRelay.Relay.Circuits;

namespace TorRelay.NetBench;

/// <summary>
/// The second hop of the scaling load: an ORPort on 127.0.0.1 (Core's listener and link handshake, a throwaway
/// identity) that answers CREATE2 with the relay's own ntor responder and counts the RELAY cells that arrive. To stay
/// cheap it decrypts only every <see cref="VerifyEvery"/>th circuit, checking that each cell on it is the RELAY_DROP the
/// generator sent: proof that the relay under test forwarded those cells intact and in order.
/// </summary>
public sealed class DropSink : IChannelCellHandler, IAsyncDisposable
{
    public const int VerifyEvery = 8;

    private readonly BenchRelayIdentity _identity = new();
    private readonly RelayCreateResponder _responder;
    private readonly ChannelManager _manager;
    private readonly OrPortListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private long _cells, _verified, _corrupt, _circuits;

    public DropSink()
    {
        _responder = new RelayCreateResponder(_identity.Keys, SystemRandom.Instance);
        _manager = _identity.NewManager(this);
        _listener = new OrPortListener(new IPEndPoint(IPAddress.Loopback, 0), _manager, NullLogger.Instance);
        _listener.Start();
        _accepting = _listener.RunAsync(_stop.Token);
    }

    public IPEndPoint EndPoint => _listener.LocalEndPoint;
    public byte[] RsaFingerprint => _identity.RsaFingerprint;
    public byte[] Ed25519Identity => _identity.Ed25519Identity;
    public byte[] NtorOnionKey => _identity.Keys.Current.NtorOnionKey.PublicKey.ToArray();

    public long Cells => Interlocked.Read(ref _cells);
    public long Verified => Interlocked.Read(ref _verified);
    public long Corrupt => Interlocked.Read(ref _corrupt);

    /// <summary>A circuit at the sink; <see cref="Check"/> is set on the circuits whose cells are decrypted.</summary>
    private sealed record SinkCircuit(RelayCryptoLayer? Check);

    public async ValueTask<string?> HandleCellAsync(Channel channel, CellHeader header, ReadOnlySequence<byte> payload, CancellationToken ct)
    {
        switch (header.Command)
        {
            case CellCommand.Relay or CellCommand.RelayEarly:
                Interlocked.Increment(ref _cells);
                if (channel.Circuits.TryGetValue(header.CircId.Value, out var c) && c is SinkCircuit { Check: { } layer })
                    Verify(layer, payload);
                return null;
            case CellCommand.Create2:
                await AnswerCreate2Async(channel, header.CircId, payload, ct).ConfigureAwait(false);
                return null;
            case CellCommand.Destroy:
                channel.Circuits.TryRemove(header.CircId.Value, out _);
                return null;
            default:
                return null;
        }
    }

    private void Verify(RelayCryptoLayer layer, ReadOnlySequence<byte> payload)
    {
        Span<byte> body = stackalloc byte[RelayCryptoLayer.BodyLength];
        payload.Slice(0, RelayCryptoLayer.BodyLength).CopyTo(body);
        bool ok = layer.DecryptForward(body) && RelayCellHeader.GetCommand(body) == RelayCommand.Drop;
        if (ok) Interlocked.Increment(ref _verified);
        else Interlocked.Increment(ref _corrupt);
    }

    private async ValueTask AnswerCreate2Async(Channel channel, CircId id, ReadOnlySequence<byte> payload, CancellationToken ct)
    {
        byte[]? reply = null;
        var keys = new byte[RelayCryptoLayer.KeyMaterialLength];
        if (Create2Cell.TryDecode(payload.ToArray(), out var create, out _))
        {
            var handshake = new byte[LinkVersion.PayloadLength];
            if (_responder.TryRespond(create.HandshakeType, create.HandshakeData.Span, handshake, out int length, keys))
            {
                reply = new byte[2 + length];
                new Created2Cell(handshake.AsMemory(0, length)).EncodeTo(reply);
            }
        }
        if (reply is null)
        {
            await channel.SendFixedAsync(id, CellCommand.Destroy, new[] { (byte)DestroyReason.Protocol }, ct).ConfigureAwait(false);
            return;
        }
        bool check = Interlocked.Increment(ref _circuits) % VerifyEvery == 1;
        channel.Circuits[id.Value] = new SinkCircuit(check ? new RelayCryptoLayer(keys) : null);
        await channel.SendFixedAsync(id, CellCommand.Created2, reply, ct).ConfigureAwait(false);
    }

    public ValueTask OnChannelClosedAsync(Channel channel)
    {
        foreach (var c in channel.Circuits.Values)
            if (c is SinkCircuit { Check: { } layer }) layer.Dispose();
        channel.Circuits.Clear();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await _listener.DisposeAsync().ConfigureAwait(false);
        await _accepting.ConfigureAwait(false);
        await _manager.DisposeAsync().ConfigureAwait(false);
        _identity.Dispose();
        _stop.Dispose();
    }
}
