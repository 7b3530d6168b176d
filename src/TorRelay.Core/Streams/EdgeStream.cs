using System.Threading.Channels;
using TorRelay.Cells.Relay;
using TorRelay.Core.Circuits;

namespace TorRelay.Core.Streams;

/// <summary>
/// A stream that ends at this hop (BEGIN_DIR now, exit streams later): incoming DATA is queued for the role's handler,
/// outgoing data is cut into DATA cells within the stream's and the circuit's package windows (500/50 and 1000/100).
/// </summary>
public sealed class EdgeStream
{
    public const int StreamWindow = 500;
    public const int StreamIncrement = 50;

    private readonly CircuitSwitch _switch;
    private readonly Channel<byte[]> _incoming = System.Threading.Channels.Channel.CreateUnbounded<byte[]>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private int _delivered;

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

    /// <summary>Data the client sent, in order; completes when it sends END or the circuit closes.</summary>
    public ChannelReader<byte[]> Incoming => _incoming.Reader;

    internal bool OnData(ReadOnlySpan<byte> data)
    {
        _incoming.Writer.TryWrite(data.ToArray());
        return ++_delivered % StreamIncrement == 0;
    }

    internal void OnEnd()
    {
        IsClosed = true;
        _incoming.Writer.TryComplete();
        PackageWindow.Cancel();
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

    /// <summary>Ends the stream from our side (tor-spec §6.3).</summary>
    public async ValueTask EndAsync(EndReason reason)
    {
        if (IsClosed) return;
        IsClosed = true;
        _incoming.Writer.TryComplete();
        Circuit.Streams.TryRemove(Id, out _);
        await _switch.SendRelayAsync(Circuit, RelayCommand.End, Id, new byte[] { (byte)reason }).ConfigureAwait(false);
    }
}
