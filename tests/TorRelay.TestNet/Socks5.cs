using System.Net;
using System.Net.Sockets;
using System.Text;

namespace TorRelay.TestNet;

/// <summary>A SOCKS5 client for the C tor client's SocksPort: CONNECT by hostname, and tor's RESOLVE extension (0xF0).</summary>
public static class Socks5
{
    public const byte Connect = 1;
    public const byte TorResolve = 0xF0;

    /// <summary>A SOCKS5 request the proxy refused, with its reply code (RFC 1928 §6: 2 = not allowed by ruleset …).</summary>
    public sealed class RefusedException(byte code) : IOException($"SOCKS5 request failed with code {code}")
    {
        public byte Code { get; } = code;
    }

    /// <summary>Opens a stream to host:port through the proxy; the caller owns the returned client.</summary>
    public static async Task<TcpClient> ConnectAsync(int socksPort, string host, int port, CancellationToken ct)
    {
        var tcp = new TcpClient();
        try
        {
            await tcp.ConnectAsync(IPAddress.Loopback, socksPort, ct);
            var reply = await RequestAsync(tcp.GetStream(), Connect, host, port, ct);
            if (reply[1] != 0) throw new RefusedException(reply[1]);
            return tcp;
        }
        catch
        {
            tcp.Dispose();
            throw;
        }
    }

    /// <summary>tor's SOCKS RESOLVE extension: the address the exit's DNS gave for <paramref name="host"/>.</summary>
    public static async Task<IPAddress> ResolveAsync(int socksPort, string host, CancellationToken ct)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, socksPort, ct);
        var reply = await RequestAsync(tcp.GetStream(), TorResolve, host, 0, ct);
        if (reply[1] != 0) throw new RefusedException(reply[1]);
        return reply[3] == 1 ? new IPAddress(reply.AsSpan(4, 4)) : new IPAddress(reply.AsSpan(4, 16));
    }

    private static async Task<byte[]> RequestAsync(NetworkStream s, byte command, string host, int port, CancellationToken ct)
    {
        await s.WriteAsync(new byte[] { 5, 1, 0 }, ct);
        var two = new byte[2];
        await s.ReadExactlyAsync(two, ct);
        if (two[0] != 5 || two[1] != 0) throw new IOException("SOCKS5 method refused");
        var name = Encoding.ASCII.GetBytes(host);
        var req = new byte[7 + name.Length];
        req[0] = 5; req[1] = command; req[2] = 0; req[3] = 3; req[4] = (byte)name.Length;
        name.CopyTo(req, 5);
        req[5 + name.Length] = (byte)(port >> 8);
        req[6 + name.Length] = (byte)port;
        await s.WriteAsync(req, ct);
        // VER REP RSV ATYP, then an IPv4 (4) or IPv6 (16) address, or a name, and a port.
        var head = new byte[4];
        await s.ReadExactlyAsync(head, ct);
        int rest = head[3] switch { 1 => 4, 4 => 16, 3 => await ReadLengthAsync(s, ct), _ => 4 } + 2;
        var tail = new byte[rest];
        await s.ReadExactlyAsync(tail, ct);
        return [.. head, .. tail];
    }

    private static async Task<int> ReadLengthAsync(NetworkStream s, CancellationToken ct)
    {
        var one = new byte[1];
        await s.ReadExactlyAsync(one, ct);
        return one[0];
    }
}
