using System.Net;
using System.Net.Sockets;
using System.Text;
using TorRelay.Directory.Cache;
using TorRelay.Directory.Netdoc;

namespace TorRelay.Directory.Tests.Cache;

/// <summary>An HTTP/1.0 response split into status, header lines and (decompressed) body, from a socket or a handler.</summary>
internal sealed record RawHttp(int Status, string StatusLine, IReadOnlyList<(string Name, string Value)> Headers, byte[] RawBody)
{
    public string? Header(string name) => Headers.FirstOrDefault(h => h.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;

    public IEnumerable<string> HeaderNames => Headers.Select(h => h.Name);

    /// <summary>The body after undoing Content-Encoding.</summary>
    public byte[] Body
    {
        get
        {
            DirCompression method = Header("Content-Encoding") switch
            {
                "deflate" => DirCompression.Deflate,
                "gzip" => DirCompression.Gzip,
                _ => DirCompression.None,
            };
            Assert.True(DirCompressions.TryDecompress(RawBody, method, 64 << 20, out byte[] plain), "bad compressed body");
            return plain;
        }
    }

    public string BodyText => NetdocFormat.Wire.GetString(Body);

    public static RawHttp Parse(ReadOnlySpan<byte> response)
    {
        int end = response.IndexOf("\r\n\r\n"u8);
        Assert.True(end >= 0, "no end of headers in: " + Encoding.Latin1.GetString(response));
        string[] lines = Encoding.Latin1.GetString(response[..end]).Split("\r\n");
        string[] status = lines[0].Split(' ', 3);
        var headers = lines.Skip(1).Select(l =>
        {
            int colon = l.IndexOf(": ", StringComparison.Ordinal);
            Assert.True(colon > 0, "bad header line: " + l);
            return (l[..colon], l[(colon + 2)..]);
        }).ToList();
        return new RawHttp(int.Parse(status[1]), lines[0], headers, response[(end + 4)..].ToArray());
    }

    public static RawHttp From(DirectoryRequestHandler handler, string url, string extraHeaders = "", IPAddress? peer = null)
    {
        DirectoryResponseBytes r = handler.Handle($"GET {url} HTTP/1.0\r\nHost: 127.0.0.1\r\n{extraHeaders}\r\n", peer);
        Assert.False(r.CloseWithoutResponse);
        return Parse(r.ToArray());
    }

    /// <summary>Sends the same request over TCP to a C tor DirPort and reads until it closes.</summary>
    public static async Task<RawHttp> FetchAsync(IPEndPoint dirPort, string url, string extraHeaders = "")
    {
        using var tcp = new TcpClient();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await tcp.ConnectAsync(dirPort, cts.Token);
        NetworkStream s = tcp.GetStream();
        await s.WriteAsync(Encoding.ASCII.GetBytes($"GET {url} HTTP/1.0\r\nHost: 127.0.0.1\r\n{extraHeaders}\r\n"), cts.Token);
        using var ms = new MemoryStream();
        await s.CopyToAsync(ms, cts.Token);
        return Parse(ms.ToArray());
    }
}
