using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;

namespace TorRelay.TestNet;

/// <summary>
/// A tiny client for tor's control protocol (control-spec.txt) over 127.0.0.1. A background reader splits
/// synchronous replies from asynchronous events (status 6xx); commands are sent one at a time.
/// </summary>
public sealed class ControlPortClient : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly StreamReader _reader;
    private readonly Stream _stream;
    private readonly Channel<ControlReply> _replies = Channel.CreateUnbounded<ControlReply>();
    private readonly Channel<ControlReply> _events = Channel.CreateUnbounded<ControlReply>();
    private readonly SemaphoreSlim _commandLock = new(1, 1);
    private readonly Task _readLoop;

    private ControlPortClient(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
        _reader = new StreamReader(_stream, Encoding.ASCII, false, 4096, leaveOpen: true);
        _readLoop = Task.Run(ReadLoopAsync);
    }

    public int Port { get; private init; }

    public static async Task<ControlPortClient> ConnectAsync(int port, CancellationToken ct = default)
    {
        var tcp = new TcpClient(AddressFamily.InterNetwork);
        try
        {
            await tcp.ConnectAsync(IPAddress.Loopback, port, ct).ConfigureAwait(false);
        }
        catch
        {
            tcp.Dispose();
            throw;
        }
        return new ControlPortClient(tcp) { Port = port };
    }

    /// <summary>Connects and authenticates (the harness configures no authentication: AUTHENTICATE "").</summary>
    public static async Task<ControlPortClient> ConnectAuthenticatedAsync(int port, CancellationToken ct = default)
    {
        var client = await ConnectAsync(port, ct).ConfigureAwait(false);
        try
        {
            await client.AuthenticateAsync(ct).ConfigureAwait(false);
            return client;
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async Task AuthenticateAsync(CancellationToken ct = default) =>
        EnsureOk(await SendAsync("AUTHENTICATE \"\"", ct).ConfigureAwait(false), "AUTHENTICATE");

    /// <summary>Sends one command line and returns its reply (whatever its status).</summary>
    public async Task<ControlReply> SendAsync(string command, CancellationToken ct = default)
    {
        if (command.Contains('\n') || command.Contains('\r'))
            throw new ArgumentException("one line only", nameof(command));
        await _commandLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            byte[] bytes = Encoding.ASCII.GetBytes(command + "\r\n");
            await _stream.WriteAsync(bytes, ct).ConfigureAwait(false);
            await _stream.FlushAsync(ct).ConfigureAwait(false);
            return await _replies.Reader.ReadAsync(ct).ConfigureAwait(false);
        }
        catch (ChannelClosedException e)
        {
            throw new IOException($"control connection to port {Port} closed", e);
        }
        finally
        {
            _commandLock.Release();
        }
    }

    /// <summary><c>GETINFO key</c>; returns the value (multi-line values joined by '\n').</summary>
    public async Task<string> GetInfoAsync(string key, CancellationToken ct = default)
    {
        var reply = await SendAsync("GETINFO " + key, ct).ConfigureAwait(false);
        EnsureOk(reply, "GETINFO " + key);
        string prefix = key + "=";
        foreach (var line in reply.Lines)
        {
            if (!line.Text.StartsWith(prefix, StringComparison.Ordinal))
                continue;
            return line.Data ?? line.Text[prefix.Length..];
        }
        throw new IOException($"GETINFO {key}: no value in reply\n{reply}");
    }

    /// <summary><c>GETINFO orconn-status</c>, parsed.</summary>
    public async Task<IReadOnlyList<OrConnStatus>> GetOrConnStatusAsync(CancellationToken ct = default) =>
        OrConnStatus.ParseAll(await GetInfoAsync("orconn-status", ct).ConfigureAwait(false));

    /// <summary>
    /// The path of built circuit <paramref name="circuitId"/> from <c>GETINFO circuit-status</c> ("$FP~nick,...", the
    /// first hop first), or null if no such circuit is built now.
    /// </summary>
    public async Task<string?> GetBuiltCircuitPathAsync(string circuitId, CancellationToken ct = default) =>
        (await GetInfoAsync("circuit-status", ct).ConfigureAwait(false)).Split('\n')
            .FirstOrDefault(l => l.StartsWith(circuitId + " BUILT ", StringComparison.Ordinal))?.Split(' ')[2];

    /// <summary><c>GETINFO ns/id/FP</c>: the node's router status as this tor sees it, or null if unknown.</summary>
    public async Task<string?> GetNetworkStatusAsync(string fingerprint, CancellationToken ct = default)
    {
        var reply = await SendAsync("GETINFO ns/id/" + fingerprint, ct).ConfigureAwait(false);
        if (!reply.IsOk)
            return null;
        return reply.Lines.FirstOrDefault(l => l.Data is not null)?.Data;
    }

    /// <summary><c>SETEVENTS</c> with the given event names (e.g. "ORCONN"); none clears the subscription.</summary>
    public async Task SetEventsAsync(params string[] events) =>
        EnsureOk(await SendAsync(("SETEVENTS " + string.Join(' ', events)).TrimEnd()).ConfigureAwait(false), "SETEVENTS");

    /// <summary>The next asynchronous event, or null when none arrives within <paramref name="timeout"/>.</summary>
    public async Task<ControlReply?> ReadEventAsync(TimeSpan timeout, CancellationToken ct = default)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        try
        {
            return await _events.Reader.ReadAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return null;
        }
        catch (ChannelClosedException)
        {
            return null;
        }
    }

    private static void EnsureOk(ControlReply reply, string what)
    {
        if (!reply.IsOk)
            throw new IOException($"{what} failed: {reply}");
    }

    private async Task ReadLoopAsync()
    {
        Exception? failure = null;
        try
        {
            var lines = new List<ControlReplyLine>();
            while (await _reader.ReadLineAsync().ConfigureAwait(false) is { } line)
            {
                if (line.Length < 4 || !int.TryParse(line.AsSpan(0, 3), out int status))
                    throw new IOException($"malformed control line: {line}");
                char kind = line[3];
                string text = line[4..];
                string? data = kind == '+' ? await ReadDataAsync().ConfigureAwait(false) : null;
                lines.Add(new ControlReplyLine(status, text, data));
                if (kind != ' ')
                    continue;
                var reply = new ControlReply(lines);
                lines = new List<ControlReplyLine>();
                await (status / 100 == 6 ? _events : _replies).Writer.WriteAsync(reply).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or SocketException)
        {
            failure = e;
        }
        _replies.Writer.TryComplete(failure);
        _events.Writer.TryComplete();
    }

    /// <summary>A data block after a "+" line: lines up to a lone ".", with leading ".." unescaped.</summary>
    private async Task<string> ReadDataAsync()
    {
        var data = new StringBuilder();
        while (await _reader.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            if (line == ".")
                return data.Length > 0 ? data.ToString(0, data.Length - 1) : "";
            data.Append(line.StartsWith("..", StringComparison.Ordinal) ? line[1..] : line).Append('\n');
        }
        throw new IOException("control connection closed inside a data block");
    }

    public async ValueTask DisposeAsync()
    {
        _tcp.Dispose();
        try { await _readLoop.ConfigureAwait(false); } catch { /* the loop ends on the closed socket */ }
        _reader.Dispose();
        _commandLock.Dispose();
    }
}
