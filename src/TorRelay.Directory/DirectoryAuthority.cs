using System.Net;

namespace TorRelay.Directory;

/// <summary>
/// One directory authority as configured by a torrc DirAuthority line:
/// <c>DirAuthority nickname [flags] [orport=N] [v3ident=HEX] address:dirport fingerprint</c>.
/// </summary>
public sealed record DirectoryAuthority(
    string Nickname,
    IPEndPoint DirPort,
    int? OrPort,
    byte[]? V3Identity,
    byte[] Fingerprint,
    IReadOnlyList<string> Flags)
{
    /// <summary>The "ipv6=[addr]:port" ORPort, when given.</summary>
    public IPEndPoint? Ipv6OrPort { get; init; }

    /// <summary>A bridge authority ("bridge" flag): relays do not upload to it, clients do not trust its votes.</summary>
    public bool IsBridgeAuthority => Flags.Contains("bridge", StringComparer.OrdinalIgnoreCase);

    /// <summary>A v3 (voting) authority: it has a v3ident.</summary>
    public bool IsV3Authority => V3Identity is { Length: 20 };
}
