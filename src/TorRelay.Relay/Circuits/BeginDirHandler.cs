using System.Text;
using Microsoft.Extensions.Logging;
using TorRelay.Cells.Relay;
using TorRelay.Core.Circuits;
using TorRelay.Core.Streams;

namespace TorRelay.Relay.Circuits;

/// <summary>
/// BEGIN_DIR (tor-spec §6.2): a stream to our directory cache. Answers CONNECTED, reads one HTTP request, writes the
/// cache's response within the stream and circuit windows, then ends the stream with END(DONE), as C tor does.
/// </summary>
public sealed partial class BeginDirHandler(Func<byte[], byte[]> answer, ILogger log, CancellationToken stopping) : IRelayCommandHandler
{
    /// <summary>Directory requests are a line and a few headers; anything larger is not one.</summary>
    public const int MaxRequestBytes = 16 * 1024;
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(60);

    public bool TryHandle(CircuitSwitch circuits, RelayCircuit circuit, RelayCellHeader header, ReadOnlySpan<byte> body, bool relayEarly)
    {
        if (header.Command != RelayCommand.BeginDir) return false;
        var stream = circuits.AcceptStream(circuit, header.StreamId);
        if (stream is null) return true; // a stream ID in use: ignore, as C tor does
        _ = ServeAsync(stream);
        return true;
    }

    private async Task ServeAsync(EdgeStream stream)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        timeout.CancelAfter(RequestTimeout);
        try
        {
            await stream.SendConnectedAsync().ConfigureAwait(false);
            var request = await ReadRequestAsync(stream, timeout.Token).ConfigureAwait(false);
            if (request is null)
            {
                await stream.EndAsync(EndReason.Misc).ConfigureAwait(false);
                return;
            }
            // Answering may compress a consensus or many descriptors: not on a socket event thread.
            await Task.Yield();
            var response = answer(request);
            LogServed(log, FirstLine(request), response.Length);
            await stream.WriteAsync(response, timeout.Token).ConfigureAwait(false);
            await stream.EndAsync(EndReason.Done).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await stream.EndAsync(EndReason.Timeout).ConfigureAwait(false);
        }
    }

    /// <summary>Collects DATA until the blank line that ends the headers; null if the client ended the stream first.</summary>
    private static async Task<byte[]?> ReadRequestAsync(EdgeStream stream, CancellationToken ct)
    {
        var buffer = new MemoryStream();
        while (true)
        {
            var read = await stream.ReadAsync(ct).ConfigureAwait(false);
            foreach (var segment in read.Buffer) buffer.Write(segment.Span);
            await stream.Consume(read.Buffer).ConfigureAwait(false);
            if (buffer.Length > MaxRequestBytes) return null;
            if (EndsHeaders(buffer.GetBuffer().AsSpan(0, (int)buffer.Length))) return buffer.ToArray();
            if (read.IsCompleted) return null;
        }
    }

    private static bool EndsHeaders(ReadOnlySpan<byte> bytes) => bytes.IndexOf("\r\n\r\n"u8) >= 0 || bytes.IndexOf("\n\n"u8) >= 0;

    private static string FirstLine(byte[] request)
    {
        int end = Array.IndexOf(request, (byte)'\r');
        return Encoding.ASCII.GetString(request, 0, end < 0 ? Math.Min(request.Length, 100) : Math.Min(end, 200));
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "BEGIN_DIR {Request}: {Bytes} bytes")]
    private static partial void LogServed(ILogger log, string request, int bytes);
}
