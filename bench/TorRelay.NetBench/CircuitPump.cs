using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using TorRelay.Cells;
using TorRelay.Core.Channels;

namespace TorRelay.NetBench;

/// <summary>
/// The scaling load generator: a few client links (<see cref="ClientLinks"/>) to the relay under test, many two-hop circuits over them (each extended
/// to one of the sinks), and one sender per link that writes RELAY_DROP cells for the sinks round-robin over its
/// circuits as fast as the link accepts them. A DROP is not flow-controlled, so nothing but the relay (and TCP
/// backpressure from its bounded queues) limits the rate; the relay decrypts its layer of every cell, finds it is not
/// for itself and forwards it.
/// </summary>
public sealed class CircuitPump : IChannelCellHandler, IAsyncDisposable
{
    private readonly ClientLinks _links;
    private readonly ConcurrentDictionary<uint, TaskCompletionSource<(CellCommand, byte[])>> _waiting = new();
    private readonly List<TwoHopCircuit> _circuits = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _senders = new();
    private long[] _sent = [];
    private readonly InitiatorCircIds _circIds = new();
    private long _lateCells;

    public CircuitPump(BenchRelayIdentity identity) => _links = new ClientLinks(identity.Tls, this);

    /// <summary>RELAY_DROP cells handed to the links so far.</summary>
    public long Sent
    {
        get
        {
            long total = 0;
            for (int i = 0; i < _sent.Length; i++) total += Volatile.Read(ref _sent[i]);
            return total;
        }
    }

    /// <summary>Circuit cells that arrived while nothing waited for them (a relay's DESTROY, TRUNCATED …).</summary>
    public long LateCells => Interlocked.Read(ref _lateCells);

    public async Task BuildAsync(IPEndPoint relay, byte[] relayFingerprint, IReadOnlyList<DropSink> sinks, ScalingOptions options,
        CancellationToken ct)
    {
        var links = await _links.OpenAsync(relay, relayFingerprint, options.Links, ct).ConfigureAwait(false);
        // Circuit i rides link i mod L and ends at sink (i / L) mod K, so every link feeds every sink.
        var built = await Task.WhenAll(Enumerable.Range(0, options.Circuits).Select(i =>
            TwoHopCircuit.BuildAsync(links[i % links.Length], _circIds.Next(), sinks[i / links.Length % sinks.Count], Expect, ct)))
            .ConfigureAwait(false);
        _circuits.AddRange(built);
        _sent = new long[links.Length];
        for (int l = 0; l < links.Length; l++)
        {
            var mine = built.Where(c => c.Link == links[l]).ToArray();
            int slot = l;
            double perLink = options.Rate / (double)links.Length;
            _senders.Add(Task.Run(() => SendLoopAsync(mine, slot, perLink, _stop.Token), CancellationToken.None));
        }
    }

    private Task<(CellCommand Command, byte[] Payload)> Expect(CircId id)
    {
        var tcs = new TaskCompletionSource<(CellCommand, byte[])>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting[id.Value] = tcs;
        return tcs.Task;
    }

    /// <summary>Sends round-robin over the link's circuits; with a rate, only as many cells as are due by now, then
    /// sleeps a timer tick (about 1 ms), so the relay gets bursts of rate/1000 cells per link.</summary>
    private async Task SendLoopAsync(TwoHopCircuit[] circuits, int slot, double perSecond, CancellationToken ct)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        long sent = 0;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                if (perSecond > 0 && sent >= clock.Elapsed.TotalSeconds * perSecond)
                {
                    await Task.Delay(1, ct).ConfigureAwait(false);
                    continue;
                }
                foreach (var c in circuits)
                {
                    var cell = c.Link.RentCell(c.Id, CellCommand.Relay, out var body);
                    c.SealDrop(body);
                    await c.Link.EnqueueAsync(cell, ct).ConfigureAwait(false);
                    _sent[slot]++;
                    sent++;
                }
            }
        }
        catch (OperationCanceledException) { }
    }

    public ValueTask<string?> HandleCellAsync(Channel channel, CellHeader header, ReadOnlySequence<byte> payload, CancellationToken ct)
    {
        if (_waiting.TryRemove(header.CircId.Value, out var tcs)) tcs.TrySetResult((header.Command, payload.ToArray()));
        else Interlocked.Increment(ref _lateCells);
        return ValueTask.FromResult<string?>(null);
    }

    public ValueTask OnChannelClosedAsync(Channel channel) => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await Task.WhenAll(_senders).ConfigureAwait(false);
        await _links.DisposeAsync().ConfigureAwait(false);
        foreach (var c in _circuits) c.Dispose();
        _stop.Dispose();
    }
}
