using System.Net;
using System.Net.Sockets;
using TorRelay.Directory.Policy;

namespace TorRelay.Relay.Exit;

/// <summary>What the exit role needs from the configuration (ExitPolicy and friends, already combined into a policy).</summary>
public sealed record ExitSettings
{
    /// <summary>Our effective exit policy (ExitRelay, ExitPolicy, ExitPolicyRejectPrivate … as C tor combines them).</summary>
    public required ExitPolicy Policy { get; init; }

    /// <summary>IPv6Exit: connect to IPv6 destinations when the client allows it.</summary>
    public bool IPv6Exit { get; init; }

    /// <summary>RefuseUnknownExits: refuse BEGIN from a previous hop that is not a relay in the consensus.</summary>
    public bool RefuseUnknownExits { get; init; } = true;

    /// <summary>OutboundBindAddressExit (or OutboundBindAddress) per family.</summary>
    public IPAddress? BindIPv4 { get; init; }
    public IPAddress? BindIPv6 { get; init; }

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Streams resolving or connecting at once; more get END(RESOURCELIMIT).</summary>
    public int MaxPendingStreams { get; init; } = 4096;

    public IPAddress? BindAddressFor(AddressFamily family) => family == AddressFamily.InterNetworkV6 ? BindIPv6 : BindIPv4;
}
