using System.Buffers;
using System.IO.Pipelines;
using TorRelay.Cells.Relay;
using TorRelay.Core.Channels;
using TorRelay.Core.Circuits;
using TorRelay.Core.Circuits.Congestion;

namespace TorRelay.Core.Streams;

/// <summary>
/// A stream that ends at this hop (BEGIN_DIR, exit streams). Incoming DATA goes into a pipe the role's handler reads;
/// stream SENDMEs go back only once the handler has consumed the data (C tor's
/// sendme_connection_edge_consider_sending), so a slow destination slows the client instead of filling our memory.
/// Outgoing data is cut into DATA cells within the stream's and the circuit's package windows (500/50, 1000/100).
/// On a circuit with congestion control, XON/XOFF flow control (proposal 324 §4) replaces the stream windows: we
/// send XOFF when too much waits for the destination and XON once it drains, and the client's XOFF/XON pause and pace
/// what we read from the destination.
/// </summary>
public sealed class EdgeStream
{
    public const int StreamWindow = 500;
    public const int StreamIncrement = 50;

    /// <summary>C tor's connection_outbuf_too_full: no SENDME while more than 10 cells' worth waits for the destination.</summary>
    public const int MaxUnconsumedBytes = 10 * RelayCellHeader.MaxDataLength;

    private readonly CircuitSwitch _switch;
    private readonly object _gate = new();
    // Without CC the client can have at most a window of data in flight; with CC our XOFF stops it. Either way the
    // pipe never needs to push back on the read loop.
    private readonly Pipe _incoming = new(new PipeOptions(pauseWriterThreshold: 0, useSynchronizationContext: false));
    private readonly Wakeup _xon = new();
    private int _deliverWindow = StreamWindow;
    private long _unconsumed;
    private bool _inputDone;
    private readonly CancellationTokenSource _ended = new();
    private readonly FlushScope _sendScope = new();

    internal EdgeStream(CircuitSwitch circuits, RelayCircuit circuit, ushort id)
    {
        _switch = circuits;
        Circuit = circuit;
        Id = id;
        if (circuit.Congestion is { } cc) Flow = new StreamFlowControl(cc.Params, enabled: true, cc.Stats, cc.Clock);
    }

    public RelayCircuit Circuit { get; }
    public ushort Id { get; }
    public SendWindow PackageWindow { get; } = new(StreamWindow, StreamIncrement);
    public bool IsClosed { get; private set; }

    /// <summary>XON/XOFF flow control, on a circuit with congestion control; null otherwise (stream SENDMEs).</summary>
    public StreamFlowControl? Flow { get; }

    /// <summary>The client's last XON rate for reads from the destination, bytes per second; int.MaxValue: no limit.</summary>
    public int ReadRateBytesPerSecond
    {
        get { lock (_gate) return Flow?.ReadRateBytesPerSecond ?? int.MaxValue; }
    }

    /// <summary>Cancelled once the stream is over for either side (END either way, or the circuit closed).</summary>
    public CancellationToken EndedToken => _ended.Token;

    /// <summary>
    /// Data the client sent, in order; completes when it sends END or the circuit closes. Read it with
    /// <see cref="ReadAsync"/> and hand every buffer back through <see cref="Consume"/>.
    /// </summary>
    public ValueTask<ReadResult> ReadAsync(CancellationToken ct) => _incoming.Reader.ReadAsync(ct);

    /// <summary>
    /// Marks all of <paramref name="buffer"/> (from <see cref="ReadAsync"/>) consumed, i.e. written to the destination;
    /// may send stream SENDMEs, or with CC an XON.
    /// </summary>
    public async ValueTask Consume(ReadOnlySequence<byte> buffer)
    {
        // The length first: once advanced past, the buffer's segments go back to the pipe and may be reused.
        long consumed = buffer.Length;
        _incoming.Reader.AdvanceTo(buffer.End);
        int sendmes = 0;
        var signal = FlowControlAction.None;
        lock (_gate)
        {
            _unconsumed -= consumed;
            if (Flow is not null)
            {
                if (!IsClosed) signal = Flow.OnBytesWritten(consumed, _unconsumed, MonotonicMicroseconds.Now());
            }
            else
            {
                while (_deliverWindow <= StreamWindow - StreamIncrement && _unconsumed <= MaxUnconsumedBytes && !IsClosed)
                {
                    _deliverWindow += StreamIncrement;
                    sendmes++;
                }
            }
        }
        for (int i = 0; i < sendmes; i++)
            await _switch.SendRelayAsync(Circuit, RelayCommand.Sendme, Id, ReadOnlyMemory<byte>.Empty).ConfigureAwait(false);
        if (signal.Signal != FlowControlSignal.None) await SendFlowControlAsync(signal).ConfigureAwait(false);
    }

    /// <summary>
    /// A DATA cell for this stream; false if the client overran our deliver window (a protocol violation). With CC,
    /// <paramref name="signal"/> is the XOFF or XON to send back, measured on what waited before this cell.
    /// </summary>
    internal bool OnData(ReadOnlySpan<byte> data, out FlowControlAction signal)
    {
        signal = FlowControlAction.None;
        lock (_gate)
        {
            if (_inputDone) return true;
            if (Flow is not null) signal = Flow.OnDataReceived(_unconsumed, MonotonicMicroseconds.Now());
            else if (--_deliverWindow < 0) return false;
            _unconsumed += data.Length;
            _incoming.Writer.Write(data);
            // Completes at once: the pipe has no pause threshold.
            _ = _incoming.Writer.FlushAsync(CancellationToken.None);
        }
        return true;
    }

    /// <summary>Sends the XOFF or XON our flow control asked for.</summary>
    internal ValueTask SendFlowControlAsync(FlowControlAction signal)
    {
        if (signal.Signal == FlowControlSignal.Xoff)
        {
            var xoff = new byte[XoffMessage.Length];
            new XoffMessage().EncodeTo(xoff);
            return _switch.SendRelayAsync(Circuit, RelayCommand.Xoff, Id, xoff);
        }
        var xon = new byte[XonMessage.Length];
        new XonMessage(signal.KbpsEwma).EncodeTo(xon);
        return _switch.SendRelayAsync(Circuit, RelayCommand.Xon, Id, xon);
    }

    /// <summary>The client's XOFF: we stop packaging and reading from the destination. False if refused.</summary>
    internal bool OnXoff()
    {
        lock (_gate) return Flow?.OnXoffReceived() ?? false;
    }

    /// <summary>The client's XON (<paramref name="body"/> its message): we resume, at its rate. False if refused.</summary>
    internal bool OnXon(ReadOnlySpan<byte> body)
    {
        lock (_gate)
        {
            if (Flow is null || !Flow.OnXonReceived(body)) return false;
        }
        _xon.Wake();
        return true;
    }

    /// <summary>Waits while the client's XOFF holds (returns at once without CC, or once the stream is over).</summary>
    public async ValueTask WaitUntilReadableAsync(CancellationToken ct)
    {
        while (true)
        {
            Task wait;
            lock (_gate)
            {
                if (Flow is null || Flow.CanRead || IsClosed) return;
                wait = _xon.Task;
            }
            await wait.WaitAsync(ct).ConfigureAwait(false);
        }
    }

    /// <summary>The client ended the stream or the circuit went away: the reader sees the end of the data.</summary>
    internal void OnEnd()
    {
        IsClosed = true;
        CompleteInput();
        PackageWindow.Cancel();
        _xon.Wake();
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

    /// <summary>
    /// Sends <paramref name="data"/> as DATA cells, waiting for SENDMEs as the windows require; with CC, for room in
    /// the congestion window and while the client's XOFF holds. The cells of one call leave in one channel write
    /// (a <see cref="FlushScope"/> held while nothing has to wait).
    /// </summary>
    public async Task WriteAsync(ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        _sendScope.Enter();
        try
        {
            while (!data.IsEmpty && !IsClosed && !Circuit.IsClosed)
            {
                int n = Math.Min(data.Length, RelayCellHeader.MaxDataLength);
                await _sendScope.AwaitOutside(WaitForRoomAsync(ct));
                if (IsClosed || Circuit.IsClosed) return;
                await _sendScope.AwaitOutside(_switch.SendDataAsync(Circuit, Id, data[..n]));
                data = data[n..];
            }
        }
        finally
        {
            _sendScope.Exit();
        }
    }

    private async ValueTask WaitForRoomAsync(CancellationToken ct)
    {
        if (Circuit.Congestion is { } cc)
        {
            await WaitUntilReadableAsync(ct).ConfigureAwait(false);
            await cc.WaitToSendAsync(ct).ConfigureAwait(false);
        }
        else
        {
            await PackageWindow.TakeAsync(ct).ConfigureAwait(false);
            await Circuit.PackageWindow.TakeAsync(ct).ConfigureAwait(false);
        }
    }

    /// <summary>Ends the stream from our side (tor-spec §6.3) with an END cell built by the caller's message.</summary>
    public async ValueTask EndAsync(EndMessage end)
    {
        if (IsClosed) return;
        IsClosed = true;
        CompleteInput();
        PackageWindow.Cancel();
        _xon.Wake();
        Circuit.TryRemoveStream(Id, out _);
        var body = new byte[1 + 16 + 4];
        int n = end.EncodeTo(body);
        await _switch.SendRelayAsync(Circuit, RelayCommand.End, Id, body.AsMemory(0, n)).ConfigureAwait(false);
    }

    public ValueTask EndAsync(EndReason reason) => EndAsync(new EndMessage(reason));
}
