using System.Net;
using TorRelay.Cells.Relay;

namespace TorRelay.Core.Circuits.Origin;

/// <summary>
/// What an origin needs to reach one hop (C tor's extend_info_t): its ORPort, identities, and ntor onion key (from its
/// microdescriptor or descriptor).
/// </summary>
/// <param name="Ed25519Identity">32 bytes, or null for a relay that has none (EXTEND2 then names only its RSA identity).</param>
public sealed record CircuitTarget(string Nickname, IPEndPoint EndPoint, byte[] RsaIdentity, byte[]? Ed25519Identity, byte[] NtorOnionKey)
{
    /// <summary>The EXTEND2 link specifiers for this hop, in C tor's order: address, legacy ID, ed25519 ID.</summary>
    public IReadOnlyList<LinkSpecifier> LinkSpecifiers() => Ed25519Identity is { Length: 32 } ed
        ? [LinkSpecifier.FromEndPoint(EndPoint), LinkSpecifier.LegacyId(RsaIdentity), LinkSpecifier.Ed25519Id(ed)]
        : [LinkSpecifier.FromEndPoint(EndPoint), LinkSpecifier.LegacyId(RsaIdentity)];

    public string Describe() => $"{Nickname} ${Convert.ToHexString(RsaIdentity)}";
}
