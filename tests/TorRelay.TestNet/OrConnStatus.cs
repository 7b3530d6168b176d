namespace TorRelay.TestNet;

/// <summary>
/// One line of <c>GETINFO orconn-status</c> (control-spec: <c>LongName SP ORStatus</c>), e.g.
/// <c>$FP~nick CONNECTED</c>. Target may also be a bare <c>$FP</c> or <c>address:port</c>.
/// </summary>
public sealed record OrConnStatus(string Target, string Status)
{
    /// <summary>40 uppercase hex digits, or null when the target names no fingerprint.</summary>
    public string? Fingerprint =>
        Target.Length >= 41 && Target[0] == '$' && Target.AsSpan(1, 40).ContainsAnyExcept(HexDigits) == false &&
        (Target.Length == 41 || Target[41] is '~' or '=')
            ? Target.Substring(1, 40).ToUpperInvariant()
            : null;

    private static readonly System.Buffers.SearchValues<char> HexDigits =
        System.Buffers.SearchValues.Create("0123456789ABCDEFabcdef");

    public bool IsConnected => Status == "CONNECTED";

    public static IReadOnlyList<OrConnStatus> ParseAll(string value)
    {
        var list = new List<OrConnStatus>();
        foreach (string raw in value.Split('\n'))
        {
            string line = raw.Trim();
            int space = line.LastIndexOf(' ');
            if (space > 0)
                list.Add(new OrConnStatus(line[..space], line[(space + 1)..]));
        }
        return list;
    }
}
