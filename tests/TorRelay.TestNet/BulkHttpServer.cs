using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace TorRelay.TestNet;

/// <summary>
/// A loopback HTTP/1.0 server that answers every GET with the same deterministic pseudo-random body, so a download
/// through Tor can be checked by hash without storing the file. It listens on 127.0.0.1 unless told another loopback
/// address (::1, inside a private network namespace).
/// </summary>
public sealed class BulkHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly int _seed;
    private readonly List<IPAddress> _peers = [];

    public BulkHttpServer(long length, int seed = 4242) : this(length, IPAddress.Loopback, seed)
    {
    }

    public BulkHttpServer(long length, IPAddress address, int seed = 4242)
    {
        if (!IPAddress.IsLoopback(address)) throw new ArgumentException("tests listen on loopback only", nameof(address));
        _listener = new TcpListener(address, 0);
        Length = length;
        _seed = seed;
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var chunk in Body()) sha.AppendData(chunk);
        ExpectedSha256 = Convert.ToHexString(sha.GetHashAndReset());
        _listener.Start();
        _loop = AcceptLoopAsync();
    }

    public long Length { get; }
    public string ExpectedSha256 { get; }
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;
    public int Requests { get; private set; }

    /// <summary>Where each request came from, in order.</summary>
    public IReadOnlyList<IPAddress> Peers
    {
        get { lock (_peers) return [.. _peers]; }
    }

    private IEnumerable<byte[]> Body()
    {
        var rng = new Random(_seed);
        var buffer = new byte[64 * 1024];
        for (long left = Length; left > 0; left -= buffer.Length)
        {
            if (left < buffer.Length) buffer = new byte[left];
            rng.NextBytes(buffer);
            yield return buffer;
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var head = new byte[4096];
                int n = 0;
                while (n < head.Length && Encoding.ASCII.GetString(head, 0, n).IndexOf("\r\n\r\n", StringComparison.Ordinal) < 0)
                {
                    int r = await stream.ReadAsync(head.AsMemory(n), _stop.Token);
                    if (r == 0) return;
                    n += r;
                }
                Requests++;
                lock (_peers) _peers.Add(((IPEndPoint)client.Client.RemoteEndPoint!).Address);
                string headText = Encoding.ASCII.GetString(head, 0, n);
                if (headText.StartsWith("POST ", StringComparison.Ordinal))
                {
                    await ReceiveUploadAsync(stream, headText, head, n);
                    return;
                }
                await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.0 200 OK\r\nContent-Length: {Length}\r\nContent-Type: application/octet-stream\r\n\r\n"), _stop.Token);
                foreach (var chunk in Body()) await stream.WriteAsync(chunk, _stop.Token);
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
            {
            }
        }
    }

    /// <summary>A POST: reads Content-Length bytes and answers with their length and SHA-256 ("LENGTH HEX").</summary>
    private async Task ReceiveUploadAsync(NetworkStream stream, string headText, byte[] head, int headBytes)
    {
        int end = headText.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4;
        var lengthLine = headText.Split("\r\n").FirstOrDefault(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
        long expected = lengthLine is null ? 0 : long.Parse(lengthLine["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long received = headBytes - end;
        sha.AppendData(head, end, headBytes - end);
        var buffer = new byte[64 * 1024];
        while (received < expected)
        {
            int r = await stream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, expected - received)), _stop.Token);
            if (r == 0) break;
            sha.AppendData(buffer, 0, r);
            received += r;
        }
        string answer = $"{received} {Convert.ToHexString(sha.GetHashAndReset())}";
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.0 200 OK\r\nContent-Length: {answer.Length}\r\n\r\n{answer}"), _stop.Token);
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }
}
