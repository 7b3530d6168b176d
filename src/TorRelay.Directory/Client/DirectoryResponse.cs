namespace TorRelay.Directory.Client;

/// <summary>
/// The outcome of one directory request. <see cref="StatusCode"/> is 0 when no HTTP answer arrived (connection
/// refused, timeout, …), and <see cref="Error"/> then says why.
/// </summary>
public sealed record DirectoryResponse(int StatusCode, string? ReasonPhrase, string? Body, string? Error)
{
    public bool IsSuccess => StatusCode == 200;

    internal static DirectoryResponse Failed(string error) => new(0, null, null, error);

    public override string ToString()
        => StatusCode == 0 ? $"no response: {Error}" : $"{StatusCode} {ReasonPhrase}";
}
