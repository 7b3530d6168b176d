using System.Collections.Frozen;

namespace TorRelay.Core.Dos;

/// <summary>
/// The DoS mitigation settings in force (C tor's dos.c set_dos_parameters): each comes from torrc when set there,
/// else from the consensus parameter of the same name clamped to C tor's bounds, else C tor's default. The defaults
/// are the code's (both mitigations off); the live network's consensus turns them on.
/// </summary>
public sealed record DosOptions
{
    /// <summary>No torrc values and no consensus: C tor's compiled-in defaults.</summary>
    public static DosOptions Default { get; } = new();

    public bool CircuitCreationEnabled { get; init; }
    /// <summary>Concurrent connections an address needs before its circuit rate can get it marked.</summary>
    public int CircuitCreationMinConnections { get; init; } = 3;
    /// <summary>Circuits per second refilled into each address's bucket.</summary>
    public int CircuitCreationRate { get; init; } = 3;
    public int CircuitCreationBurst { get; init; } = 90;
    public DosCircuitDefenseType CircuitCreationDefenseType { get; init; } = DosCircuitDefenseType.RefuseCell;
    /// <summary>Base time a marked address stays marked; a random 1 s .. half of it is added.</summary>
    public TimeSpan CircuitCreationDefenseTimePeriod { get; init; } = TimeSpan.FromHours(1);

    public bool ConnectionEnabled { get; init; }
    /// <summary>A new connection is refused while an address already has more than this many.</summary>
    public int ConnectionMaxConcurrentCount { get; init; } = 100;
    public DosConnectionDefenseType ConnectionDefenseType { get; init; } = DosConnectionDefenseType.Close;
    /// <summary>Connections per second refilled into each address's connect bucket.</summary>
    public int ConnectionConnectRate { get; init; } = 20;
    public int ConnectionConnectBurst { get; init; } = 40;
    public TimeSpan ConnectionConnectDefenseTimePeriod { get; init; } = TimeSpan.FromHours(24);

    /// <summary>dos_num_circ_max_outq: times a client may hit the outbound circuit queue limit before it is marked (0: never).</summary>
    public int NumCircMaxOutq { get; init; } = 3;

    /// <summary>Onion-service option; kept so the heartbeat line reads as C tor's.</summary>
    public bool RefuseSingleHopClientRendezvous { get; init; }

    /// <summary>dos_is_enabled(): whether per-address statistics are kept at all.</summary>
    public bool Enabled => CircuitCreationEnabled || ConnectionEnabled;

    /// <summary>Resolves every option as C tor's get_param_* functions do.</summary>
    /// <param name="consensusParams">The consensus "params" line; null or empty when there is no consensus yet.</param>
    /// <param name="torrc">Values set in torrc; they win over the consensus (and are not clamped, as in C tor).</param>
    public static DosOptions FromConsensus(IReadOnlyDictionary<string, int>? consensusParams, DosTorrcOptions? torrc = null)
    {
        var p = consensusParams ?? EmptyParams;
        var t = torrc ?? DosTorrcOptions.Unset;
        var d = Default;
        return new DosOptions
        {
            CircuitCreationEnabled = t.CircuitCreationEnabled ?? Get(p, "DoSCircuitCreationEnabled", 0, 0, 1) != 0,
            CircuitCreationMinConnections = Or(t.CircuitCreationMinConnections,
                p, "DoSCircuitCreationMinConnections", d.CircuitCreationMinConnections, 1),
            CircuitCreationRate = Or(t.CircuitCreationRate, p, "DoSCircuitCreationRate", d.CircuitCreationRate, 1),
            CircuitCreationBurst = Or(t.CircuitCreationBurst, p, "DoSCircuitCreationBurst", d.CircuitCreationBurst, 1),
            CircuitCreationDefenseType = (DosCircuitDefenseType)Or(t.CircuitCreationDefenseType,
                p, "DoSCircuitCreationDefenseType", (int)d.CircuitCreationDefenseType, 1, 2),
            CircuitCreationDefenseTimePeriod = TimeSpan.FromSeconds(Or(Seconds(t.CircuitCreationDefenseTimePeriod),
                p, "DoSCircuitCreationDefenseTimePeriod", (int)d.CircuitCreationDefenseTimePeriod.TotalSeconds, 0)),

            ConnectionEnabled = t.ConnectionEnabled ?? Get(p, "DoSConnectionEnabled", 0, 0, 1) != 0,
            ConnectionMaxConcurrentCount = Or(t.ConnectionMaxConcurrentCount,
                p, "DoSConnectionMaxConcurrentCount", d.ConnectionMaxConcurrentCount, 1),
            ConnectionDefenseType = (DosConnectionDefenseType)Or(t.ConnectionDefenseType,
                p, "DoSConnectionDefenseType", (int)d.ConnectionDefenseType, 1, 2),
            ConnectionConnectRate = Or(t.ConnectionConnectRate, p, "DoSConnectionConnectRate", d.ConnectionConnectRate, 1),
            ConnectionConnectBurst = Or(t.ConnectionConnectBurst, p, "DoSConnectionConnectBurst", d.ConnectionConnectBurst, 1),
            // DOS_CONN_CONNECT_DEFENSE_TIME_PERIOD_MIN: 10 s, so the random offset has room.
            ConnectionConnectDefenseTimePeriod = TimeSpan.FromSeconds(Or(Seconds(t.ConnectionConnectDefenseTimePeriod),
                p, "DoSConnectionConnectDefenseTimePeriod", (int)d.ConnectionConnectDefenseTimePeriod.TotalSeconds, 10)),

            NumCircMaxOutq = Get(p, "dos_num_circ_max_outq", d.NumCircMaxOutq, 0, int.MaxValue),
            RefuseSingleHopClientRendezvous = t.RefuseSingleHopClientRendezvous
                ?? Get(p, "DoSRefuseSingleHopClientRendezvous", 0, 0, 1) != 0,
        };
    }

    private static readonly IReadOnlyDictionary<string, int> EmptyParams = FrozenDictionary<string, int>.Empty;

    /// <summary>A torrc value of 0 means "unset": fall back to the consensus.</summary>
    private static int Or(int torrc, IReadOnlyDictionary<string, int> p, string name, int defaultValue, int min, int max = int.MaxValue) =>
        torrc != 0 ? torrc : Get(p, name, defaultValue, min, max);

    /// <summary>networkstatus_get_param: the consensus value clamped to [min, max], else the default.</summary>
    private static int Get(IReadOnlyDictionary<string, int> p, string name, int defaultValue, int min, int max) =>
        p.TryGetValue(name, out int v) ? Math.Clamp(v, min, max) : defaultValue;

    /// <summary>tor keeps INTERVAL options as whole seconds in an int.</summary>
    private static int Seconds(TimeSpan t) => (int)Math.Clamp(Math.Floor(t.TotalSeconds), 0, int.MaxValue);
}
