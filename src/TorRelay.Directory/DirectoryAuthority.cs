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
    IReadOnlyList<string> Flags);
