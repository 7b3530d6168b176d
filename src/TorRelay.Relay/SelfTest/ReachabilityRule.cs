using System.Net;
using System.Net.Sockets;
using TorRelay.Core.Channels;
using TorRelay.Directory.Policy;

namespace TorRelay.Relay.SelfTest;

/// <summary>
/// When an answered CREATE shows our ORPort reachable (C tor's onionskin_answer): the channel was opened by the peer
/// (inbound), its far end is not local unless ExtendAllowPrivateAddresses (TestingTorNetwork sets it), the peer's
/// NETINFO says it reached us at an address we publish, and that address has the family the peer really used.
/// </summary>
public static class ReachabilityRule
{
    /// <summary>The address family found reachable, or null when this channel proves nothing.</summary>
    public static AddressFamily? Evaluate(LinkHandshakeResult link, IReadOnlyList<IPAddress> published, bool extendAllowPrivateAddresses)
    {
        if (!link.Inbound || link.RemoteEndPoint is not IPEndPoint { Address: var remoteRaw }) return null;
        var remote = Normalize(remoteRaw);
        if (!extendAllowPrivateAddresses && InternalAddress.IsLocalTo(remote, published)) return null;
        if (link.PeerNetinfo.OtherAddress is not { } claimed) return null;
        var supposed = Normalize(claimed);
        bool ours = false;
        foreach (var a in published) ours |= Normalize(a).Equals(supposed);
        return ours && remote.AddressFamily == supposed.AddressFamily ? supposed.AddressFamily : null;
    }

    private static IPAddress Normalize(IPAddress a) => a.IsIPv4MappedToIPv6 ? a.MapToIPv4() : a;
}
