using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace TorRelay.TestNet;

/// <summary>Downloads http://host:port/ through a SOCKS5 proxy (the C tor client) and hashes the body; uploads too.</summary>
public static class Socks5Download
{
    public sealed record Result(long BodyBytes, string Sha256, TimeSpan Elapsed);

    public static async Task<Result> GetAsync(int socksPort, string host, int port, CancellationToken ct)
    {
        var started = DateTimeOffset.UtcNow;
        using var tcp = await Socks5.ConnectAsync(socksPort, host, port, ct);
        var s = tcp.GetStream();
        await s.WriteAsync(Encoding.ASCII.GetBytes($"GET / HTTP/1.0\r\nHost: {host}\r\n\r\n"), ct);

        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[64 * 1024];
        var head = new List<byte>();
        bool inBody = false;
        long body = 0;
        while (true)
        {
            int n = await s.ReadAsync(buffer, ct);
            if (n == 0) break;
            int offset = 0;
            if (!inBody)
            {
                for (; offset < n; offset++)
                {
                    head.Add(buffer[offset]);
                    int c = head.Count;
                    if (c >= 4 && head[c - 4] == '\r' && head[c - 3] == '\n' && head[c - 2] == '\r' && head[c - 1] == '\n')
                    {
                        inBody = true;
                        offset++;
                        break;
                    }
                }
            }
            if (inBody && offset < n)
            {
                sha.AppendData(buffer, offset, n - offset);
                body += n - offset;
            }
        }
        return new Result(body, Convert.ToHexString(sha.GetHashAndReset()), DateTimeOffset.UtcNow - started);
    }

    /// <summary>
    /// POSTs <paramref name="length"/> pseudo-random bytes to a <see cref="BulkHttpServer"/> through the proxy; the
    /// result is what the server received (its byte count and SHA-256) next to the hash of what was sent.
    /// </summary>
    public static async Task<(Result Received, string SentSha256)> PostAsync(int socksPort, string host, int port, long length, CancellationToken ct)
    {
        var started = DateTimeOffset.UtcNow;
        using var tcp = await Socks5.ConnectAsync(socksPort, host, port, ct);
        var s = tcp.GetStream();
        await s.WriteAsync(Encoding.ASCII.GetBytes($"POST / HTTP/1.0\r\nHost: {host}\r\nContent-Length: {length}\r\n\r\n"), ct);
        using var sent = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var rng = new Random(2424);
        var buffer = new byte[64 * 1024];
        for (long left = length; left > 0; left -= buffer.Length)
        {
            int n = (int)Math.Min(buffer.Length, left);
            rng.NextBytes(buffer.AsSpan(0, n));
            sent.AppendData(buffer, 0, n);
            await s.WriteAsync(buffer.AsMemory(0, n), ct);
        }
        using var reader = new StreamReader(s, Encoding.ASCII);
        string response = await reader.ReadToEndAsync(ct);
        var answer = response[(response.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..].Split(' ');
        var received = new Result(long.Parse(answer[0], System.Globalization.CultureInfo.InvariantCulture), answer[1], DateTimeOffset.UtcNow - started);
        return (received, Convert.ToHexString(sent.GetHashAndReset()));
    }
}
