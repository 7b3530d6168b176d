using System.Buffers;
using System.Diagnostics;
using System.Net;
using TorRelay.Cells;
using TorRelay.Cells.Circuits;
using TorRelay.Cells.Link;
using TorRelay.Core.Channels;
using TorRelay.Crypto;

namespace TorRelay.NetBench;

/// <summary>
/// CREATE_FAST flood: many client links (<see cref="ClientLinks"/>) to one relay, each sending CREATE_FAST cells with fresh circuit IDs at its share of
/// a paced aggregate rate (token bucket, 10 ms ticks). Replies are read and counted, never used: answered circuits are
/// abandoned (kept open at the target until the link closes, as a flooding client leaves them) or, with
/// <see cref="FloodOptions.DestroyAnswered"/>, destroyed at once. A full link queue (the target not reading) makes
/// that link's sender wait, so the achieved rate is what the target accepted.
/// </summary>
public sealed class FloodGenerator : IChannelCellHandler, IAsyncDisposable
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(10);

    private readonly FloodOptions _options;
    private readonly ClientLinks _links;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _senders = new();
    private readonly Stopwatch _clock = new();
    private readonly long[] _destroysByReason = new long[256];
    private long _sent, _createdFast, _destroys, _otherCells, _linksClosed;
    private readonly InitiatorCircIds _circIds = new();

    public FloodGenerator(BenchRelayIdentity identity, FloodOptions options)
    {
        _options = options;
        _links = new ClientLinks(identity.Tls, this);
    }

    public long Sent => Interlocked.Read(ref _sent);
    public long CreatedFast => Interlocked.Read(ref _createdFast);
    public long Destroys => Interlocked.Read(ref _destroys);
    public long OtherCells => Interlocked.Read(ref _otherCells);
    public long LinksClosed => Interlocked.Read(ref _linksClosed);
    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>DESTROY counts by reason, e.g. "RESOURCELIMIT 812"; empty when none came.</summary>
    public string DestroyReasons() => string.Join(", ", Enumerable.Range(0, 256)
        .Where(r => Interlocked.Read(ref _destroysByReason[r]) > 0)
        .Select(r => $"{((DestroyReason)r).ToString().ToUpperInvariant()} {Interlocked.Read(ref _destroysByReason[r])}"));

    /// <summary>Links the target refused to open (its DoS connection defence).</summary>
    public int LinksRefused { get; private set; }

    /// <summary>Opens every link (in parallel), then starts the senders.</summary>
    public async Task StartAsync(IPEndPoint target, byte[] rsaFingerprint, CancellationToken ct)
    {
        var links = await _links.OpenAsync(target, rsaFingerprint, _options.Links, ct, tolerateRefusals: true).ConfigureAwait(false);
        LinksRefused = _links.Refused;
        double perLink = (double)_options.Rate / links.Length;
        _clock.Start();
        foreach (var link in links) _senders.Add(Task.Run(() => SendLoopAsync(link, perLink, _stop.Token), CancellationToken.None));
    }

    private async Task SendLoopAsync(Channel link, double rate, CancellationToken ct)
    {
        double burst = Math.Max(1, rate * _options.BurstSeconds), tokens = 0;
        var last = _clock.Elapsed;
        using var timer = new PeriodicTimer(Tick);
        try
        {
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false) && !link.IsClosed)
            {
                var now = _clock.Elapsed;
                tokens = Math.Min(burst, tokens + (now - last).TotalSeconds * rate);
                last = now;
                for (; tokens >= 1; tokens--)
                {
                    await SendCreateFastAsync(link, ct).ConfigureAwait(false);
                    Interlocked.Increment(ref _sent);
                }
            }
        }
        catch (OperationCanceledException) { }
    }

    private ValueTask SendCreateFastAsync(Channel link, CancellationToken ct)
    {
        var cell = link.RentCell(_circIds.Next(), CellCommand.CreateFast, out var payload);
        payload.Clear();
        SystemRandom.Instance.Fill(payload[..CreateFastCell.KeyLength]);
        return link.EnqueueAsync(cell, ct);
    }

    public async ValueTask<string?> HandleCellAsync(Channel channel, CellHeader header, ReadOnlySequence<byte> payload, CancellationToken ct)
    {
        switch (header.Command)
        {
            case CellCommand.CreatedFast:
                Interlocked.Increment(ref _createdFast);
                if (_options.DestroyAnswered)
                    await channel.SendFixedAsync(header.CircId, CellCommand.Destroy, DestroyFinished, ct).ConfigureAwait(false);
                break;
            case CellCommand.Destroy:
                Interlocked.Increment(ref _destroys);
                Interlocked.Increment(ref _destroysByReason[payload.IsEmpty ? 0 : payload.FirstSpan[0]]);
                break;
            default:
                Interlocked.Increment(ref _otherCells);
                break;
        }
        return null;
    }

    private static readonly ReadOnlyMemory<byte> DestroyFinished = new[] { (byte)DestroyReason.Finished };

    public ValueTask OnChannelClosedAsync(Channel channel)
    {
        if (!_stop.IsCancellationRequested) Interlocked.Increment(ref _linksClosed);
        return ValueTask.CompletedTask;
    }

    /// <summary>Stops sending; the links stay open (and the target keeps the circuits) until disposal.</summary>
    public async Task StopSendingAsync()
    {
        _stop.Cancel();
        await Task.WhenAll(_senders).ConfigureAwait(false);
        _clock.Stop();
    }

    public async ValueTask DisposeAsync()
    {
        await StopSendingAsync().ConfigureAwait(false);
        await _links.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }
}
