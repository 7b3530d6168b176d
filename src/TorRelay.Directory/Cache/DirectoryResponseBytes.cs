using System.Globalization;
using System.Text;

namespace TorRelay.Directory.Cache;

/// <summary>
/// The full answer to one directory request: the HTTP/1.0 head and the (possibly compressed) body, kept apart so a
/// large consensus is not copied. <see cref="CloseWithoutResponse"/> means C tor would close the connection without
/// answering (an unknown method): send nothing and end the stream.
/// </summary>
public sealed class DirectoryResponseBytes
{
    private DirectoryResponseBytes(int statusCode, string reasonPhrase, byte[] head, ReadOnlyMemory<byte> body)
    {
        StatusCode = statusCode;
        ReasonPhrase = reasonPhrase;
        Head = head;
        Body = body;
    }

    public static DirectoryResponseBytes Close { get; } = new(0, "", [], ReadOnlyMemory<byte>.Empty);

    /// <summary>0 for <see cref="CloseWithoutResponse"/>.</summary>
    public int StatusCode { get; }

    public string ReasonPhrase { get; }
    public ReadOnlyMemory<byte> Head { get; }
    public ReadOnlyMemory<byte> Body { get; }
    public bool CloseWithoutResponse => StatusCode == 0;
    public int Length => Head.Length + Body.Length;

    /// <summary>Head and body in one array (empty for <see cref="CloseWithoutResponse"/>).</summary>
    public byte[] ToArray()
    {
        var all = new byte[Length];
        Head.Span.CopyTo(all);
        Body.Span.CopyTo(all.AsSpan(Head.Length));
        return all;
    }

    /// <summary>write_short_http_response: status line and Date (a relay always sends Date), no body.</summary>
    internal static DirectoryResponseBytes Short(int status, string reason, DateTimeOffset now)
        => new(status, reason, Encoding.ASCII.GetBytes($"HTTP/1.0 {status} {reason}\r\nDate: {Rfc1123(now)}\r\n\r\n"),
            ReadOnlyMemory<byte>.Empty);

    /// <summary>
    /// write_http_response_header_impl for a 200: Date, Content-Type, X-Your-Address-Is (only for a peer that is not
    /// local), Content-Encoding, Content-Length (when given), then Expires for a positive lifetime or
    /// "Pragma: no-cache" for zero, then the extra headers.
    /// </summary>
    internal static DirectoryResponseBytes Ok(DateTimeOffset now, DirCompression encoding, long? contentLength,
        long cacheLifetimeSeconds, string? yourAddress, ReadOnlyMemory<byte> body, string? extraHeaders = null,
        string contentType = "text/plain")
    {
        var sb = new StringBuilder(256);
        sb.Append("HTTP/1.0 200 OK\r\nDate: ").Append(Rfc1123(now)).Append("\r\n");
        sb.Append("Content-Type: ").Append(contentType).Append("\r\n");
        if (yourAddress is not null) sb.Append("X-Your-Address-Is: ").Append(yourAddress).Append("\r\n");
        sb.Append("Content-Encoding: ").Append(DirCompressions.Name(encoding)).Append("\r\n");
        if (contentLength is { } len) sb.Append("Content-Length: ").Append(len.ToString(CultureInfo.InvariantCulture)).Append("\r\n");
        if (cacheLifetimeSeconds > 0)
            sb.Append("Expires: ").Append(Rfc1123(now.AddSeconds(cacheLifetimeSeconds))).Append("\r\n");
        else if (cacheLifetimeSeconds == 0)
            sb.Append("Pragma: no-cache\r\n");
        sb.Append(extraHeaders).Append("\r\n");
        return new DirectoryResponseBytes(200, "OK", Encoding.ASCII.GetBytes(sb.ToString()), body);
    }

    /// <summary>format_rfc1123_time: "Sun, 06 Nov 1994 08:49:37 GMT".</summary>
    internal static string Rfc1123(DateTimeOffset t) => t.UtcDateTime.ToString("r", CultureInfo.InvariantCulture);

    public override string ToString() => CloseWithoutResponse ? "(close)" : $"{StatusCode} {ReasonPhrase}";
}
