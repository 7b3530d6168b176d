using System.IO.Compression;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TorRelay.Directory.Netdoc;

namespace TorRelay.Directory.Client;

/// <summary>
/// Talks HTTP/1.0 to authorities' DirPorts as C tor's dirclient.c does: POST /tor/ for descriptor uploads, GET for
/// consensuses and key certificates. Network failures come back as a <see cref="DirectoryResponse"/>, never thrown.
/// Bodies are netdoc wire text (one char per byte, see <see cref="NetdocFormat.Wire"/>).
/// </summary>
public sealed class DirectoryClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly DirectoryClientOptions _options;
    private readonly ILogger _logger;

    public DirectoryClient(DirectoryClientOptions? options = null, ILogger<DirectoryClient>? logger = null)
        : this(new HttpClient(new SocketsHttpHandler { UseProxy = false, AutomaticDecompression = DecompressionMethods.None }),
            true, options, logger)
    {
    }

    /// <summary>Uses a caller-owned HttpClient (its own Timeout should be infinite or above ours).</summary>
    public DirectoryClient(HttpClient http, DirectoryClientOptions? options = null, ILogger<DirectoryClient>? logger = null)
        : this(http, false, options, logger)
    {
    }

    private DirectoryClient(HttpClient http, bool ownsHttp, DirectoryClientOptions? options, ILogger? logger)
    {
        _http = http;
        _ownsHttp = ownsHttp;
        _options = options ?? new DirectoryClientOptions();
        _logger = logger ?? NullLogger.Instance;
        if (ownsHttp) _http.Timeout = System.Threading.Timeout.InfiniteTimeSpan;
    }

    /// <summary>
    /// Uploads a server descriptor, optionally followed by its extra-info document, in one POST /tor/ body (as
    /// router_upload_dir_desc_to_dirservers does). Authorities answer 200 even for descriptors they drop.
    /// </summary>
    public Task<DirectoryResponse> UploadDescriptorAsync(DirectoryAuthority authority, string descriptorPlusExtraInfo,
        CancellationToken cancellationToken = default)
    {
        var content = new ByteArrayContent(NetdocFormat.WireBytes(descriptorPlusExtraInfo));
        var request = new HttpRequestMessage(HttpMethod.Post, Url(authority, "/tor/")) { Content = content };
        request.Headers.Add("X-Desc-Gen-Reason", "TorRelay");
        return SendAsync(request, cancellationToken);
    }

    /// <summary>GET /tor/status-vote/current/consensus[-flavor].</summary>
    public Task<DirectoryResponse> FetchConsensusAsync(DirectoryAuthority authority, string flavor = "microdesc",
        CancellationToken cancellationToken = default)
    {
        string path = flavor is "" or "ns" ? "/tor/status-vote/current/consensus"
            : "/tor/status-vote/current/consensus-" + flavor;
        return GetAsync(authority, path, cancellationToken);
    }

    /// <summary>
    /// GET /tor/keys/all, or /tor/keys/fp/HEX+HEX for the given v3 identities. Parse the body with
    /// <see cref="Consensus.AuthorityCertificate.TryParseMany"/>.
    /// </summary>
    public Task<DirectoryResponse> FetchAuthorityCertificatesAsync(DirectoryAuthority authority,
        IReadOnlyList<byte[]>? identities = null, CancellationToken cancellationToken = default)
    {
        string path = identities is null || identities.Count == 0
            ? "/tor/keys/all"
            : "/tor/keys/fp/" + string.Join('+', identities.Select(i => NetdocFormat.Hex(i)));
        return GetAsync(authority, path, cancellationToken);
    }

    /// <summary>GET /tor/server/fp/HEX: a relay's current server descriptor as the authority stores it.</summary>
    public Task<DirectoryResponse> FetchServerDescriptorAsync(DirectoryAuthority authority, byte[] fingerprint,
        CancellationToken cancellationToken = default)
        => GetAsync(authority, "/tor/server/fp/" + NetdocFormat.Hex(fingerprint), cancellationToken);

    /// <summary>GET of any directory path (e.g. "/tor/micro/d/…").</summary>
    public Task<DirectoryResponse> GetAsync(DirectoryAuthority authority, string path,
        CancellationToken cancellationToken = default)
    {
        if (_options.RequestDeflate && !path.EndsWith(".z", StringComparison.Ordinal)) path += ".z";
        return SendAsync(new HttpRequestMessage(HttpMethod.Get, Url(authority, path)), cancellationToken);
    }

    private static Uri Url(DirectoryAuthority authority, string path)
        => new($"http://{authority.DirPort.Address}:{authority.DirPort.Port}{path}");

    private async Task<DirectoryResponse> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var _ = request;
        request.Version = HttpVersion.Version10;
        request.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.Timeout);
        try
        {
            using HttpResponseMessage response = await _http
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            byte[] body = await ReadLimitedAsync(response.Content, timeout.Token).ConfigureAwait(false);
            // Inflating and the caller's parsing (a consensus, signatures) take long: not on a socket event thread.
            await Task.Yield();
            if (IsDeflated(response, request.RequestUri!)) body = Inflate(body);
            _logger.LogDebug("{Method} {Path}: {Status}", request.Method, request.RequestUri!.AbsolutePath,
                (int)response.StatusCode);
            return new DirectoryResponse((int)response.StatusCode, response.ReasonPhrase,
                NetdocFormat.Wire.GetString(body), null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Failure(request, "timed out");
        }
        catch (HttpRequestException e)
        {
            return Failure(request, e.Message);
        }
        catch (IOException e)
        {
            return Failure(request, e.Message);
        }
        catch (InvalidDataException e)
        {
            return Failure(request, "bad compressed body: " + e.Message);
        }
    }

    private DirectoryResponse Failure(HttpRequestMessage request, string error)
    {
        _logger.LogInformation("{Method} {Uri} failed: {Error}", request.Method, request.RequestUri, error);
        return DirectoryResponse.Failed(error);
    }

    private static bool IsDeflated(HttpResponseMessage response, Uri uri)
    {
        ICollection<string> enc = response.Content.Headers.ContentEncoding;
        if (enc.Contains("deflate")) return true;
        // Old servers answer .z requests without a Content-Encoding header.
        return enc.Count == 0 && uri.AbsolutePath.EndsWith(".z", StringComparison.Ordinal) && response.IsSuccessStatusCode;
    }

    private byte[] Inflate(byte[] body)
    {
        using var input = new MemoryStream(body);
        using var z = new ZLibStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        var buffer = new byte[81920];
        int n;
        while ((n = z.Read(buffer)) > 0)
        {
            if (output.Length + n > _options.MaxResponseBytes) throw new InvalidDataException("inflated body too large");
            output.Write(buffer, 0, n);
        }

        return output.ToArray();
    }

    private async Task<byte[]> ReadLimitedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        await using Stream stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var ms = new MemoryStream();
        var buffer = new byte[81920];
        int n;
        while ((n = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (ms.Length + n > _options.MaxResponseBytes) throw new IOException("response body too large");
            ms.Write(buffer, 0, n);
        }

        return ms.ToArray();
    }

    public void Dispose()
    {
        if (_ownsHttp) _http.Dispose();
    }
}
