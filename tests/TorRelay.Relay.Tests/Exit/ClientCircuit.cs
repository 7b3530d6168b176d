using System.Buffers;
using System.Collections.Concurrent;
using System.Threading.Channels;
using TorRelay.Cells;
using TorRelay.Cells.Link;
using TorRelay.Cells.Relay;
using TorRelay.Core.Channels;
using TorRelay.Core.Circuits;
using TorRelay.Core.Streams;
using TorRelay.Crypto;
using TorRelay.Crypto.Handshakes;
using TorRelay.Crypto.Relay;
using LinkChannel = TorRelay.Core.Channels.Channel;
using Queue = System.Threading.Channels.Channel;

namespace TorRelay.Relay.Tests.Exit;

/// <summary>One relay cell as the client reads it, after removing the hop's layer.</summary>
internal readonly record struct ClientRelayCell(RelayCommand Command, ushort StreamId, byte[] Message)
{
    public override string ToString() => $"{Command} on stream {StreamId}: {Convert.ToHexString(Message)}";
}

/// <summary>
/// A client's one-hop circuit (CREATE_FAST) to the relay under test, with a tor client's flow control (tor-spec
/// §7.3, §7.4, prop 289): DATA goes out only within the package windows; every 100th DATA cell received is answered
/// with an authenticated circuit SENDME and every 50th of an open stream with a stream SENDME; the relay's circuit
/// SENDMEs must echo the digests of our own 100th DATA cells. What a client would call a protocol violation (a bad
/// SENDME, an unrecognized cell, DESTROY) ends <see cref="NextAsync"/> with an exception saying so.
/// </summary>
internal sealed class ClientCircuit : IChannelCellHandler, IAsyncDisposable
{
    private readonly Channel<(CellCommand Command, byte[] Payload)> _inbox =
        Queue.CreateUnbounded<(CellCommand, byte[])>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Channel<ClientRelayCell> _cells = Queue.CreateUnbounded<ClientRelayCell>();
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _sendGate = new(1, 1);
    private readonly SendWindow _circuitWindow = new(RelayCircuit.CircuitWindow, RelayCircuit.CircuitIncrement);
    private readonly ConcurrentDictionary<ushort, SendWindow> _streamWindows = new();
    private readonly ConcurrentDictionary<ushort, bool> _endedStreams = new();
    private readonly Dictionary<ushort, int> _streamDelivered = new();
    private readonly ConcurrentQueue<byte[]> _expectedSendmeDigests = new();
    private long _dataSent;
    private long _dataDelivered;
    private string? _failure;
    private RelayCryptoLayer? _crypto;
    private LinkChannel? _channel;
    private CircId _id;
    private Task _pump = Task.CompletedTask;

    /// <summary>Circuit SENDMEs the relay sent that echoed the expected digest.</summary>
    public int CircuitSendmesReceived { get; private set; }

    /// <summary>CREATE_FAST on <paramref name="channel"/>, whose cell handler is this object; then the pump starts.</summary>
    public async Task OpenAsync(LinkChannel channel, CircId id, CancellationToken ct)
    {
        var x = new byte[CreateFastHandshake.KeyLength];
        CreateFastHandshake.ClientCreate(SystemRandom.Instance, x);
        await channel.SendFixedAsync(id, CellCommand.CreateFast, x, ct);
        var (command, payload) = await _inbox.Reader.ReadAsync(ct);
        Assert.Equal(CellCommand.CreatedFast, command);
        var keys = new byte[RelayCryptoLayer.KeyMaterialLength];
        Assert.True(CreateFastHandshake.ClientFinish(x, payload.AsSpan(0, CreateFastHandshake.ReplyLength), keys));
        _crypto = new RelayCryptoLayer(keys);
        _channel = channel;
        _id = id;
        _pump = Task.Run(() => PumpAsync(_stop.Token));
    }

    public ValueTask<string?> HandleCellAsync(LinkChannel channel, CellHeader header, ReadOnlySequence<byte> payload, CancellationToken ct)
    {
        _inbox.Writer.TryWrite((header.Command, payload.ToArray()));
        return ValueTask.FromResult<string?>(null);
    }

    public ValueTask OnChannelClosedAsync(LinkChannel channel)
    {
        _inbox.Writer.TryComplete();
        return ValueTask.CompletedTask;
    }

    /// <summary>Flow-control state, for failure messages.</summary>
    public override string ToString() =>
        $"sent {Interlocked.Read(ref _dataSent)} DATA, received {Interlocked.Read(ref _dataDelivered)}; " +
        $"cells not yet written on our channel {_channel?.QueuedCells}, circuit window {_circuitWindow.Available}, " +
        string.Join(", ", _streamWindows.Select(w => $"stream {w.Key} window {w.Value.Available}"));

    /// <summary>The next relay cell from the relay, SENDMEs included.</summary>
    public async Task<ClientRelayCell> NextAsync(CancellationToken ct)
    {
        try
        {
            return await _cells.Reader.ReadAsync(ct);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("no relay cell in time: " + this);
        }
        catch (ChannelClosedException)
        {
            throw new InvalidOperationException("the circuit is over: " + (_failure ?? "channel closed"));
        }
    }

    /// <summary>Encrypts and sends one relay cell (in keystream order with everything else we send).</summary>
    public async Task SendAsync(RelayCommand command, ushort streamId, ReadOnlyMemory<byte> message, CancellationToken ct)
    {
        var body = new byte[RelayCellHeader.BodyLength];
        new RelayCellHeader(command, 0, streamId, 0, (ushort)message.Length).WriteTo(body);
        message.Span.CopyTo(body.AsSpan(RelayCellHeader.HeaderLength));
        await _sendGate.WaitAsync(ct);
        try
        {
            _crypto!.EncryptForward(body, isDestination: true);
            // The relay's circuit SENDME for our 100th DATA cell must carry our digest after it (prop 289).
            if (command == RelayCommand.Data && ++_dataSent % RelayCircuit.CircuitIncrement == 0)
                _expectedSendmeDigests.Enqueue(_crypto.LastForwardDigest.ToArray());
            await _channel!.SendFixedAsync(_id, CellCommand.Relay, body, ct);
        }
        finally
        {
            _sendGate.Release();
        }
    }

    public Task SendAsync<T>(ushort streamId, T message, CancellationToken ct) where T : IRelayMessage<T>
    {
        var encoded = new byte[RelayCellHeader.MaxDataLength];
        int n = message.EncodeTo(encoded);
        return SendAsync(T.Command, streamId, encoded.AsMemory(0, n), ct);
    }

    /// <summary>Sends <paramref name="data"/> as full DATA cells, waiting for the relay's SENDMEs as the windows require.</summary>
    public async Task SendDataAsync(ushort streamId, ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        var streamWindow = StreamWindow(streamId);
        while (!data.IsEmpty)
        {
            int n = Math.Min(data.Length, RelayCellHeader.MaxDataLength);
            await streamWindow.TakeAsync(ct);
            await _circuitWindow.TakeAsync(ct);
            await SendAsync(RelayCommand.Data, streamId, data[..n], ct);
            data = data[n..];
        }
    }

    /// <summary>Closes a stream from our side: END(DONE); its later DATA still counts for the circuit window only.</summary>
    public Task EndStreamAsync(ushort streamId, CancellationToken ct)
    {
        _endedStreams[streamId] = true;
        return SendAsync(streamId, new EndMessage(EndReason.Done), ct);
    }

    private SendWindow StreamWindow(ushort streamId) =>
        _streamWindows.GetOrAdd(streamId, _ => new SendWindow(EdgeStream.StreamWindow, EdgeStream.StreamIncrement));

    private async Task PumpAsync(CancellationToken ct)
    {
        try
        {
            await foreach (var (command, payload) in _inbox.Reader.ReadAllAsync(ct))
            {
                var failure = command switch
                {
                    CellCommand.Destroy => $"DESTROY ({(DestroyReason)payload[0]})",
                    CellCommand.Relay => await OnRelayCellAsync(payload, ct),
                    _ => $"unexpected {command} cell",
                };
                if (failure is not null)
                {
                    _failure = failure;
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        _cells.Writer.TryComplete();
    }

    private async Task<string?> OnRelayCellAsync(byte[] body, CancellationToken ct)
    {
        if (!_crypto!.DecryptBackward(body)) return "a relay cell we cannot recognize";
        if (!RelayCellHeader.TryRead(body, out var header, out _) || !RelayCellHeader.TryGetData(body, out var data))
            return "a malformed relay cell";
        var cell = new ClientRelayCell(header.Command, header.StreamId, data.ToArray());
        switch (header.Command)
        {
            case RelayCommand.Data:
                await OnDataAsync(header.StreamId, ct);
                break;
            case RelayCommand.Sendme when header.StreamId == 0:
                if (!SendmeMessage.TryDecode(cell.Message, out var sendme, out _) || sendme.Version != 1)
                    return "a circuit SENDME that is not authenticated (v1)";
                if (!_expectedSendmeDigests.TryDequeue(out var expected) || !sendme.DigestEquals(expected))
                    return "a circuit SENDME with a digest we did not expect";
                if (!_circuitWindow.Replenish()) return "a circuit SENDME beyond the window";
                CircuitSendmesReceived++;
                break;
            case RelayCommand.Sendme:
                if (!StreamWindow(header.StreamId).Replenish()) return $"a stream SENDME beyond stream {header.StreamId}'s window";
                break;
        }
        _cells.Writer.TryWrite(cell);
        return null;
    }

    /// <summary>As a client's deliver windows: a circuit SENDME v1 per 100 DATA cells, a stream SENDME per 50.</summary>
    private async Task OnDataAsync(ushort streamId, CancellationToken ct)
    {
        if (++_dataDelivered % RelayCircuit.CircuitIncrement == 0)
        {
            var sendme = new byte[3 + SendmeMessage.DigestLength];
            new SendmeMessage(_crypto!.LastBackwardDigest).EncodeTo(sendme);
            await SendAsync(RelayCommand.Sendme, 0, sendme, ct);
        }
        _streamDelivered[streamId] = _streamDelivered.GetValueOrDefault(streamId) + 1;
        if (_streamDelivered[streamId] % EdgeStream.StreamIncrement == 0 && !_endedStreams.ContainsKey(streamId))
            await SendAsync(RelayCommand.Sendme, streamId, ReadOnlyMemory<byte>.Empty, ct);
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await _pump;
        _crypto?.Dispose();
    }
}
