namespace TorRelay.Directory.Client;

/// <summary>Limits for <see cref="DirectoryClient"/>.</summary>
public sealed record DirectoryClientOptions
{
    /// <summary>Whole-request timeout (connect, send, receive).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Bodies larger than this are refused (a full consensus is a few MiB).</summary>
    public int MaxResponseBytes { get; init; } = 32 * 1024 * 1024;

    /// <summary>Ask for zlib ("deflate") compressed answers, as C tor's ".z" URLs do, and inflate them.</summary>
    public bool RequestDeflate { get; init; }
}
