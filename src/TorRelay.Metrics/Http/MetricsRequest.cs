namespace TorRelay.Metrics.Http;

/// <summary>What the MetricsPort answers to a request head.</summary>
internal enum MetricsRequestKind
{
    Metrics,
    BadRequest,
    MethodNotAllowed,
    NotFound,
}

/// <summary>
/// Classifies a request head as C tor's metrics_connection_process_inbuf does: the request line
/// must be <c>METHOD SP URL SP HTTP/1.x CRLF</c> (parse_http_command, which also strips an
/// absolute-form "http[s]://host" prefix), the method GET and the URL exactly "/metrics".
/// </summary>
internal static class MetricsRequest
{
    /// <summary>The head is the bytes up to and including the blank line; it is never trusted further.</summary>
    public static MetricsRequestKind Classify(ReadOnlySpan<byte> head)
    {
        int eol = head.IndexOf("\r\n"u8);
        if (eol < 0)
            return MetricsRequestKind.BadRequest;
        ReadOnlySpan<byte> line = head[..eol].TrimStart(" \t"u8);

        int sp = line.IndexOfAny(" \t"u8);
        if (sp <= 0)
            return MetricsRequestKind.BadRequest;
        ReadOnlySpan<byte> method = line[..sp];
        ReadOnlySpan<byte> rest = line[sp..].TrimStart(" \t"u8);

        sp = rest.IndexOfAny(" \t"u8);
        if (sp <= 0)
            return MetricsRequestKind.BadRequest;
        ReadOnlySpan<byte> url = StripAbsoluteForm(rest[..sp]);
        ReadOnlySpan<byte> version = rest[sp..].TrimStart(" \t"u8);
        if (!IsHttp1Version(version))
            return MetricsRequestKind.BadRequest;

        if (!method.SequenceEqual("GET"u8))
            return MetricsRequestKind.MethodNotAllowed;
        return url.SequenceEqual("/metrics"u8) ? MetricsRequestKind.Metrics : MetricsRequestKind.NotFound;
    }

    /// <summary>"HTTP/1." followed by a minor version number and nothing else.</summary>
    private static bool IsHttp1Version(ReadOnlySpan<byte> version)
    {
        if (!version.StartsWith("HTTP/1."u8) || version.Length == "HTTP/1."u8.Length)
            return false;
        foreach (byte b in version["HTTP/1."u8.Length..])
        {
            if (b is < (byte)'0' or > (byte)'9')
                return false;
        }
        return true;
    }

    /// <summary>"http://host/path" or "https://host/path" becomes "/path", as tor tolerates proxy-style URLs.</summary>
    private static ReadOnlySpan<byte> StripAbsoluteForm(ReadOnlySpan<byte> url)
    {
        int scheme = url.StartsWith("https://"u8) ? 8 : url.StartsWith("http://"u8) ? 7 : 0;
        if (scheme == 0)
            return url;
        int slash = url[scheme..].IndexOf((byte)'/');
        return slash < 0 ? url : url[(scheme + slash)..];
    }
}
