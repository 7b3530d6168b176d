using System.Buffers;
using System.IO.Pipelines;
using TorRelay.Cells.Relay;
using TorRelay.Core.Circuits;

namespace TorRelay.Core.Streams;

/// <summary>
/// A stream that ends at this hop (BEGIN_DIR, exit streams). Incoming DATA goes into a pipe the role's handler reads;
/// stream SENDMEs go back only once the handler has consumed the data (C tor's
/// sendme_connection_edge_consider_sending), so a slow destination slows the client instead of filling our memory.
/// Outgoing data is cut into DATA cells within the stream's and the circuit's package windows (500/50, 1000/100).
/// </summary>
public sealed class EdgeStream
{
    public const int StreamWindow = 500;
    public const int StreamIncrement = 50;

    /// <summary>C tor's connection_outbuf_too_full: no SENDME while more than 10 cells' worth waits for the destination.</summary>
    public const int MaxUnconsumedBytes = 10 * RelayCellHeader.MaxDataLength;

    private readonly CircuitSwitch _switch;
    private readonly object _gate = new();
    // The client can have at most a window of data in flight, so the pipe never needs to push back on the read loop.
    private readonly Pipe _incoming = new(new PipeOptions(pauseWriterThreshold: 0, useSynchronizationContext: false));
    private int _deliverWindow = StreamWindow;
    private long _unconsumed;
    private bool _inputDone;
    private readonly CancellationTokenSource _ended = new();

    internal EdgeStream(CircuitSwitch circuits, RelayCircuit circuit, ushort id)
    {
        _switch = circuits;
        Circuit = circuit;
        Id = id;
    }

    public RelayCircuit Circuit { get; }
    public ushort Id { get; }
    public SendWindow PackageWindow { get; } = new(StreamWindow, StreamIncrement);
    public bool IsClosed { get; private set; }

    /// <summary>Cancelled once the stream is over for either side (END either way, or the circuit closed).</summary>
    public CancellationToken EndedToken => _ended.Token;

    /// <summary>
    /// Data the client sent, in order; completes when it sends END or the circuit closes. Read it with
    /// <see cref="ReadAsync"/> and hand every buffer back through <see cref="Consume"/>.
    /// </summary>
    public ValueTask<ReadResult> ReadAsync(CancellationToken ct) => _incoming.Reader.ReadAsync(ct);

    /// <summary>Marks all of <paramref name="buffer"/> (from <see cref="ReadAsync"/>) consumed; may send stream SENDMEs.</summary>
    public async ValueTask Consume(ReadOnlySequence<byte> buffer)
    {
        _incoming.Reader.AdvanceTo(buffer.End);
        int sendmes = 0;
        lock (_gate)
        {
            _unconsumed -= buffer.Length;
            while (_deliverWindow <= StreamWindow - StreamIncrement && _unconsumed <= MaxUnconsumedBytes && !IsClosed)
            {
                _deliverWindow += StreamIncrement;
                sendmes++;
            }
        }
        for (int i = 0; i < sendmes; i++)
            await _switch.SendRelayAsync(Circuit, RelayCommand.Sendme, Id, ReadOnlyMemory<byte>.Empty).ConfigureAwait(false);
    }

    /// <summary>A DATA cell for this stream; false if the client overran our deliver window (a protocol violation).</summary>
    internal bool OnData(ReadOnlySpan<byte> data)
    {
        lock (_gate)
        {
            if (_inputDone) return true;
            if (--_deliverWindow < 0) return false;
            _unconsumed += data.Length;
            _incoming.Writer.Write(data);
            // Completes at once: the pipe has no pause threshold.
            _ = _incoming.Writer.FlushAsync(CancellationToken.None);
        }
        return true;
    }

    /// <summary>The client ended the stream or the circuit went away: the reader sees the end of the data.</summary>
    internal void OnEnd()
    {
        IsClosed = true;
        CompleteInput();
        PackageWindow.Cancel();
    }

    private void CompleteInput()
    {
        lock (_gate)
        {
            if (_inputDone) return;
            _inputDone = true;
            _incoming.Writer.Complete();
        }
        _ended.Cancel();
    }

    public ValueTask SendConnectedAsync(ReadOnlyMemory<byte> body = default) =>
        _switch.SendRelayAsync(Circuit, RelayCommand.Connected, Id, body);

    /// <summary>Sends <paramref name="data"/> as DATA cells, waiting for SENDMEs as the windows require.</summary>
    public async Task WriteAsync(ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        while (!data.IsEmpty && !IsClosed && !Circuit.IsClosed)
        {
            int n = Math.Min(data.Length, RelayCellHeader.MaxDataLength);
            await PackageWindow.TakeAsync(ct).ConfigureAwait(false);
            await Circuit.PackageWindow.TakeAsync(ct).ConfigureAwait(false);
            if (IsClosed || Circuit.IsClosed) return;
            await _switch.SendDataAsync(Circuit, Id, data[..n]).ConfigureAwait(false);
            data = data[n..];
        }
    }

    /// <summary>Ends the stream from our side (tor-spec §6.3) with an END cell built by the caller's message.</summary>
    public async ValueTask EndAsync(EndMessage end)
    {
        if (IsClosed) return;
        IsClosed = true;
        CompleteInput();
        PackageWindow.Cancel();
        Circuit.Streams.TryRemove(Id, out _);
        var body = new byte[1 + 16 + 4];
        int n = end.EncodeTo(body);
        await _switch.SendRelayAsync(Circuit, RelayCommand.End, Id, body.AsMemory(0, n)).ConfigureAwait(false);
    }

    public ValueTask EndAsync(EndReason reason) => EndAsync(new EndMessage(reason));
}
