using System.Globalization;
using TorRelay.Directory.Netdoc;

namespace TorRelay.Directory.Cache;

/// <summary>
/// One HTTP/1.0 request to the directory cache, read as C tor's directory_handle_command does: the method is told
/// by the first bytes ("GET", "POST", case-insensitive), the request line by parse_http_command, headers by
/// http_get_header. Never throws on any input.
/// </summary>
public sealed class DirectoryHttpRequest
{
    /// <summary>C tor's MAX_HEADERS_SIZE: a request whose headers do not end within this is refused.</summary>
    public const int MaxHeaderBytes = 50_000;

    private DirectoryHttpRequest(string headers, string? url)
    {
        Headers = headers;
        Url = url;
    }

    /// <summary>The request line and headers (one char per byte), without the blank line.</summary>
    public string Headers { get; }

    /// <summary>The URL rewritten to begin with "/tor/" (parse_http_url), or null if the request line is bad.</summary>
    public string? Url { get; }

    public bool IsGet => Headers.StartsWith("GET", StringComparison.OrdinalIgnoreCase);
    public bool IsPost => Headers.StartsWith("POST", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Where the headers end: the index just past "\r\n\r\n" (or "\n\n"), or -1 while incomplete. Callers reading a
    /// stream feed bytes until this is non-negative, or give up past <see cref="MaxHeaderBytes"/>.
    /// </summary>
    public static int FindEnd(ReadOnlySpan<byte> data)
    {
        int crlf = data.IndexOf("\r\n\r\n"u8);
        int lf = data.IndexOf("\n\n"u8);
        if (crlf < 0) return lf < 0 ? -1 : lf + 2;
        return lf >= 0 && lf + 2 < crlf + 4 ? lf + 2 : crlf + 4;
    }

    /// <summary>Reads a request; bytes after the end of the headers (a body) are ignored.</summary>
    public static DirectoryHttpRequest Parse(ReadOnlySpan<byte> data)
    {
        int end = FindEnd(data);
        ReadOnlySpan<byte> head = end >= 0 ? data[..end] : data;
        if (head.Length > MaxHeaderBytes) head = head[..MaxHeaderBytes];
        string headers = NetdocFormat.Wire.GetString(head);
        return new DirectoryHttpRequest(headers, TryParseUrl(headers, out string? url) ? url : null);
    }

    public static DirectoryHttpRequest Parse(string request) => Parse(NetdocFormat.Wire.GetBytes(request));

    /// <summary>
    /// http_get_header: the first line starting (case-insensitively) with "<paramref name="name"/>: ", its value up
    /// to the '\r'; null if absent.
    /// </summary>
    public string? GetHeader(string name)
    {
        string prefix = name + ": ";
        int pos = 0;
        while (pos < Headers.Length)
        {
            if (string.Compare(Headers, pos, prefix, 0, prefix.Length, StringComparison.OrdinalIgnoreCase) == 0)
            {
                int start = pos + prefix.Length;
                int cr = Headers.IndexOf('\r', start);
                int nl = Headers.IndexOf('\n', start);
                int stop = cr >= 0 ? cr : nl >= 0 ? nl : Headers.Length;
                return Headers[start..stop];
            }

            int next = Headers.IndexOf('\n', pos);
            if (next < 0) break;
            pos = next + 1;
        }

        return null;
    }

    /// <summary>If-Modified-Since as parse_http_time reads it (RFC 1123, RFC 850 or asctime); null if absent or bad.</summary>
    public DateTimeOffset? IfModifiedSince
    {
        get
        {
            string? v = GetHeader("If-Modified-Since")?.Trim();
            if (v is null) return null;
            string[] formats = ["r", "dddd, dd-MMM-yy HH:mm:ss 'GMT'", "ddd MMM d HH:mm:ss yyyy", "ddd MMM  d HH:mm:ss yyyy"];
            return DateTimeOffset.TryParseExact(v, formats, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset t)
                ? t
                : null;
        }
    }

    /// <summary>parse_http_command plus parse_http_url: "METHOD [http[s]://host]/url HTTP/1.x\r".</summary>
    private static bool TryParseUrl(string h, out string? url)
    {
        url = null;
        int s = SkipSpaces(h, 0);
        if (s >= h.Length) return false;
        s = FindSpace(h, s); // past the method
        if (s >= h.Length) return false;
        s = SkipSpaces(h, s);
        if (s >= h.Length) return false;
        int start = s;
        s = FindSpace(h, start);
        if (s >= h.Length) return false;

        // Tolerate the proxy style of putting the host in the URL.
        if (s - start >= 4 && string.CompareOrdinal(h, start, "http", 0, 4) == 0)
        {
            int t = start + 4;
            if (h[t] == 's') t++;
            if (s - t >= 3 && string.CompareOrdinal(h, t, "://", 0, 3) == 0)
            {
                int slash = h.IndexOf('/', t + 3);
                if (slash >= 0 && slash < s) start = slash;
            }
        }

        // The version must be "HTTP/1.<digits>" followed by '\r'.
        int v = SkipSpaces(h, s);
        if (string.CompareOrdinal(h, v, "HTTP/1.", 0, 7) != 0) return false;
        v += 7;
        int digits = v;
        while (v < h.Length && char.IsAsciiDigit(h[v])) v++;
        if (v == digits || v >= h.Length || h[v] != '\r') return false;

        string raw = h[start..s];
        url = raw.StartsWith("/tor/", StringComparison.Ordinal) ? raw : "/tor" + (raw.StartsWith('/') ? "" : "/") + raw;
        return true;
    }

    private static int SkipSpaces(string h, int i)
    {
        while (i < h.Length && h[i] is ' ' or '\t') i++;
        return i;
    }

    private static int FindSpace(string h, int i)
    {
        while (i < h.Length && h[i] is not (' ' or '\t' or '\r' or '\n' or '\0')) i++;
        return i;
    }
}
