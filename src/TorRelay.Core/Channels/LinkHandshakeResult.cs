using System.Net;
using TorRelay.Cells.Link;

namespace TorRelay.Core.Channels;

/// <summary>The outcome of a completed v3 link handshake.</summary>
/// <param name="Peer">The peer's proven identity; null for an unauthenticated client.</param>
/// <param name="ClockSkew">Peer's clock minus ours, from its NETINFO (null when it sent 0, as clients do).</param>
public sealed record LinkHandshakeResult(
    int LinkVersion,
    PeerIdentity? Peer,
    bool Inbound,
    NetinfoCell PeerNetinfo,
    TimeSpan? ClockSkew,
    EndPoint? RemoteEndPoint);
