using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using TorRelay.Cells.Relay;
using TorRelay.Core.Streams;

namespace TorRelay.Relay.Exit;

/// <summary>
/// One exit stream's TCP connection: connects to the chosen address, answers CONNECTED, then copies both ways until
/// either side ends. The destination's EOF ends the stream with END(DONE) after its last byte; the client's END lets
/// what it sent drain to the destination, then closes the connection (C tor's connection_mark_and_flush). On a circuit
/// with congestion control the client's XOFF stops our reads from the destination until its XON, whose rate then
/// paces them (C tor's per-connection token bucket, rate = burst).
/// </summary>
internal static partial class ExitConnection
{
    /// <summary>Bytes read from the destination at once: a few cells' worth, cut into DATA cells by the stream.</summary>
    private const int ReadChunk = 16 * 1024;

    private static readonly TimeSpan FlushTimeout = TimeSpan.FromSeconds(30);

    public static async Task RunAsync(EdgeStream stream, IPEndPoint destination, int ttl, ExitSettings settings, ILogger log,
        CancellationToken stopping)
    {
        using var socket = new Socket(destination.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        if (settings.BindAddressFor(destination.AddressFamily) is { } bind) socket.Bind(new IPEndPoint(bind, 0));
        using var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(stream.EndedToken, stopping);
        connectTimeout.CancelAfter(settings.ConnectTimeout);
        try
        {
            await socket.ConnectAsync(destination, connectTimeout.Token).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            await stream.EndAsync(StreamEndReasons.FromSocketError(e.SocketErrorCode)).ConfigureAwait(false);
            return;
        }
        catch (OperationCanceledException)
        {
            await stream.EndAsync(EndReason.Timeout).ConfigureAwait(false);
            return;
        }

        LogConnected(log, stream.Id, destination.Port);
        var connected = new byte[25];
        int n = new ConnectedMessage(destination.Address, ttl).EncodeTo(connected);
        await stream.SendConnectedAsync(connected.AsMemory(0, n)).ConfigureAwait(false);

        var toDestination = CopyToDestinationAsync(stream, socket, log, stopping);
        var (down, reason) = await CopyToClientAsync(stream, socket, stopping).ConfigureAwait(false);
        try
        {
            // What the client sent before its END still goes out, unless the destination stops reading.
            await toDestination.WaitAsync(FlushTimeout, stopping).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            socket.Dispose();
        }
        LogClosed(log, stream.Id, down, toDestination.IsCompletedSuccessfully ? toDestination.Result : -1, reason?.ToString() ?? "client END");
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Exit stream {StreamId}: copying to the destination failed: {Error}")]
    private static partial void LogCopyFailed(ILogger log, ushort streamId, string error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Exit stream {StreamId}: connected to port {Port}")]
    private static partial void LogConnected(ILogger log, ushort streamId, int port);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Exit stream {StreamId} closed: {Down} bytes to the client, {Up} to the destination, ended by {Reason}")]
    private static partial void LogClosed(ILogger log, ushort streamId, long down, long up, string reason);

    /// <summary>Destination → client: DATA cells within the windows; EOF → END(DONE), an error → its END reason.</summary>
    private static async Task<(long Bytes, EndReason? Reason)> CopyToClientAsync(EdgeStream stream, Socket socket, CancellationToken stopping)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stream.EndedToken, stopping);
        var buffer = ArrayPool<byte>.Shared.Rent(ReadChunk);
        EndReason reason = EndReason.Done;
        long bytes = 0;
        var pacer = new ReadPacer();
        try
        {
            while (true)
            {
                await stream.WaitUntilReadableAsync(linked.Token).ConfigureAwait(false);
                int allowed = await pacer.WaitForBudgetAsync(stream.ReadRateBytesPerSecond, ReadChunk, linked.Token).ConfigureAwait(false);
                int read = await socket.ReceiveAsync(buffer.AsMemory(0, allowed), SocketFlags.None, linked.Token).ConfigureAwait(false);
                if (read == 0) break;
                pacer.Spend(read);
                await stream.WriteAsync(buffer.AsMemory(0, read), linked.Token).ConfigureAwait(false);
                bytes += read;
            }
        }
        catch (OperationCanceledException)
        {
            return (bytes, null); // the client ended the stream or the circuit closed: nothing to tell it
        }
        catch (SocketException e)
        {
            reason = StreamEndReasons.FromSocketError(e.SocketErrorCode);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        await stream.EndAsync(reason).ConfigureAwait(false);
        return (bytes, reason);
    }

    /// <summary>Client → destination: everything the client sent, then the connection is shut down.</summary>
    private static async Task<long> CopyToDestinationAsync(EdgeStream stream, Socket socket, ILogger log, CancellationToken stopping)
    {
        long bytes = 0;
        try
        {
            while (true)
            {
                var read = await stream.ReadAsync(stopping).ConfigureAwait(false);
                foreach (var segment in read.Buffer)
                {
                    var chunk = segment;
                    while (!chunk.IsEmpty)
                        chunk = chunk[await socket.SendAsync(chunk, SocketFlags.None, stopping).ConfigureAwait(false)..];
                }
                bytes += read.Buffer.Length;
                await stream.Consume(read.Buffer).ConfigureAwait(false);
                if (read.IsCompleted) break;
            }
            socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The destination went away: the other copy loop sees it and ends the stream.
        }
        catch (Exception e)
        {
            // A bug, not the network: end the stream rather than leave both sides waiting.
            LogCopyFailed(log, stream.Id, e.ToString());
            await stream.EndAsync(EndReason.Internal).ConfigureAwait(false);
        }
        return bytes;
    }

    /// <summary>
    /// A token bucket for reads from the destination at the rate of the client's XON, with a burst of one second's
    /// worth (C tor's token_bucket_rw_adjust(rate, rate)); no limit at int.MaxValue.
    /// </summary>
    private sealed class ReadPacer
    {
        private int _rate;
        private long _tokens;
        private long _refilledAt;

        /// <summary>Waits until some bytes may be read; returns how many (at most <paramref name="max"/>).</summary>
        public async ValueTask<int> WaitForBudgetAsync(int rate, int max, CancellationToken ct)
        {
            if (rate == int.MaxValue)
            {
                _rate = rate;
                return max;
            }
            Refill(rate);
            if (_tokens <= 0)
            {
                await Task.Delay(TimeSpan.FromSeconds((double)(1 - _tokens) / rate), ct).ConfigureAwait(false);
                Refill(rate);
            }
            return (int)Math.Clamp(_tokens, 1, max);
        }

        public void Spend(int bytes)
        {
            if (_rate != int.MaxValue) _tokens -= bytes;
        }

        private void Refill(int rate)
        {
            long now = Stopwatch.GetTimestamp();
            if (_rate != rate)
            {
                // A new XON rate: start with a full bucket at that rate.
                _rate = rate;
                _tokens = rate;
            }
            else
            {
                _tokens = Math.Min(rate, _tokens + (long)(Stopwatch.GetElapsedTime(_refilledAt, now).TotalSeconds * rate));
            }
            _refilledAt = now;
        }
    }
}
