using System.Buffers;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using TorRelay.Cells.Relay;
using TorRelay.Core.Streams;

namespace TorRelay.Relay.Exit;

/// <summary>
/// One exit stream's TCP connection: connects to the chosen address, answers CONNECTED, then copies both ways until
/// either side ends. The destination's EOF ends the stream with END(DONE) after its last byte; the client's END lets
/// what it sent drain to the destination, then closes the connection (C tor's connection_mark_and_flush).
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

        var toDestination = CopyToDestinationAsync(stream, socket, stopping);
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
        try
        {
            while (true)
            {
                int read = await socket.ReceiveAsync(buffer.AsMemory(0, ReadChunk), SocketFlags.None, linked.Token).ConfigureAwait(false);
                if (read == 0) break;
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
    private static async Task<long> CopyToDestinationAsync(EdgeStream stream, Socket socket, CancellationToken stopping)
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
        return bytes;
    }
}
