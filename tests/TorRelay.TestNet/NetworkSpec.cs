namespace TorRelay.TestNet;

/// <summary>Shape of a private network. Everything binds to 127.0.0.1 only.</summary>
public sealed record NetworkSpec
{
    /// <summary>Directory authorities (C tor). Three gives a 2-of-3 majority.</summary>
    public int Authorities { get; init; } = 3;

    /// <summary>Non-exit C tor relays.</summary>
    public int Relays { get; init; } = 2;

    /// <summary>C tor exit relays, accepting only 127.0.0.1:* (counted in addition to <see cref="Relays"/>).</summary>
    public int Exits { get; init; }

    /// <summary>Start a C tor client with a SocksPort.</summary>
    public bool Client { get; init; }

    /// <summary>Path of our relay's binary (run as <c>BINARY -f TORRC</c>); null: no relay of ours.</summary>
    public string? OurRelayBinary { get; init; }

    /// <summary>Harness development only: run a C tor relay in our relay's slot (ignores <see cref="OurRelayBinary"/>).</summary>
    public bool OurRelayCTorStandIn { get; init; }

    public string OurRelayNickname { get; init; } = "ourrelay";

    /// <summary>Work directory; null: a fresh directory under /tmp. Must be empty or absent.</summary>
    public string? WorkDir { get; init; }

    /// <summary>Keep the work directory (logs) after stopping. Default true: logs are what you debug with.</summary>
    public bool KeepWorkDir { get; init; } = true;

    public string TorBinary { get; init; } = "tor";
    public string TorGencertBinary { get; init; } = "tor-gencert";

    /// <summary>Whether the spec puts a relay of ours (real or stand-in) into the network.</summary>
    /// <summary>Also start a C tor client that uses our relay as its bridge (UseBridges 1, microdescriptors).</summary>
    public bool BridgeClient { get; init; }

    /// <summary>Also run our relay a second time as a bridge (BridgeRelay 1), used by the bridge client.</summary>
    public bool OurBridge { get; init; }

    /// <summary>Extra torrc lines for every authority (e.g. "ConsensusParams DoSCircuitCreationEnabled=1").</summary>
    public IReadOnlyList<string> AuthorityExtraLines { get; init; } = [];

    /// <summary>Extra torrc lines for the C tor client (e.g. "ConfluxEnabled 0" for single-path measurements).</summary>
    public IReadOnlyList<string> ClientExtraLines { get; init; } = [];

    /// <summary>
    /// Our relay is also an exit: "accept 127.0.0.1:*, reject *:*", resolving names through a
    /// <see cref="LoopbackDnsServer"/> that knows <see cref="DnsNames"/>.
    /// </summary>
    public bool OurRelayIsExit { get; init; }

    /// <summary>
    /// With <see cref="OurRelayIsExit"/>: our exit also accepts every IPv6 address (IPv6Exit 1, "accept6 *6:*"). Only
    /// inside a <see cref="PrivateNetworkNamespace"/>, where the only IPv6 address there is ::1; refused elsewhere.
    /// </summary>
    public bool OurExitAcceptsIPv6 { get; init; }

    /// <summary>Names the loopback DNS server answers (A or AAAA, by the address's family); every other name is NXDOMAIN.</summary>
    public IReadOnlyDictionary<string, System.Net.IPAddress> DnsNames { get; init; } = new Dictionary<string, System.Net.IPAddress>();

    public bool HasOurRelay => OurRelayBinary is not null || OurRelayCTorStandIn;
}
