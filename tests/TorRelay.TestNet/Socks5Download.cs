using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace TorRelay.TestNet;

/// <summary>Downloads http://host:port/ through a SOCKS5 proxy (the C tor client) and hashes the body.</summary>
public static class Socks5Download
{
    public sealed record Result(long BodyBytes, string Sha256, TimeSpan Elapsed);

    public static async Task<Result> GetAsync(int socksPort, string host, int port, CancellationToken ct)
    {
        var started = DateTimeOffset.UtcNow;
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", socksPort, ct);
        var s = tcp.GetStream();
        await s.WriteAsync(new byte[] { 5, 1, 0 }, ct);
        var two = new byte[2];
        await s.ReadExactlyAsync(two, ct);
        if (two[0] != 5 || two[1] != 0) throw new IOException("SOCKS5 method refused");
        var name = Encoding.ASCII.GetBytes(host);
        var req = new byte[7 + name.Length];
        req[0] = 5; req[1] = 1; req[2] = 0; req[3] = 3; req[4] = (byte)name.Length;
        name.CopyTo(req, 5);
        req[5 + name.Length] = (byte)(port >> 8);
        req[6 + name.Length] = (byte)port;
        await s.WriteAsync(req, ct);
        var reply = new byte[10];
        await s.ReadExactlyAsync(reply, ct);
        if (reply[1] != 0) throw new IOException($"SOCKS5 CONNECT failed with code {reply[1]}");
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
}
