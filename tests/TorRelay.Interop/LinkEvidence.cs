using System.Text.RegularExpressions;
using TorRelay.TestNet;

namespace TorRelay.Interop;

/// <summary>What the logs of both sides say about link handshakes with our relay.</summary>
public static partial class LinkEvidence
{
    // Our relay's notice-log line for a completed link handshake, e.g.
    // "Channel open: peer $0123...ABCD inbound, authenticated".
    [GeneratedRegex(@"Channel open: peer \$(?<fp>[0-9A-F]{40})(?:~\S+)? (?<dir>inbound|outbound), authenticated")]
    private static partial Regex ChannelOpen();

    /// <summary>Peers (fingerprints) our relay logged as authenticated, per direction.</summary>
    public static (HashSet<string> Inbound, HashSet<string> Outbound) AuthenticatedPeers(string ourNoticeLog)
    {
        var inbound = new HashSet<string>();
        var outbound = new HashSet<string>();
        foreach (Match m in ChannelOpen().Matches(LogFiles.ReadAll(ourNoticeLog)))
            (m.Groups["dir"].Value == "inbound" ? inbound : outbound).Add(m.Groups["fp"].Value);
        return (inbound, outbound);
    }

    /// <summary>[warn] lines of a C tor log that name our relay by nickname, fingerprint or ORPort.</summary>
    /// <summary>
    /// What a C tor bridge client logs about any bridge started at the same moment as itself: the bridge's ORPort not
    /// listening yet, and 404 for the consensus before the bridge's cache has one (C tor caches answer the same).
    /// </summary>
    private static bool IsStartupNoise(string line) =>
        line.Contains("Received http status code 404 (\"Not found\")", StringComparison.Ordinal) ||
        (line.Contains("Problem bootstrapping. Stuck at 5% (conn)", StringComparison.Ordinal) && line.Contains("CONNECTREFUSED", StringComparison.Ordinal));

    public static IReadOnlyList<string> WarningsAbout(string cTorNoticeLog, string nickname, string? fingerprint, int orPort)
    {
        var mentions = new Regex(
            $@"\b{Regex.Escape(nickname)}\b|127\.0\.0\.1:{orPort}(?!\d)" +
            (fingerprint is null ? "" : "|" + fingerprint),
            RegexOptions.IgnoreCase);
        return LogFiles.ReadLines(cTorNoticeLog)
            .Where(l => l.Contains("[warn]") && mentions.IsMatch(l) && !IsStartupNoise(l))
            .ToList();
    }
}
