namespace TorRelay.Core.Dos;

/// <summary>
/// The DoS options as written in torrc (C tor's dos_options.inc), each in tor's "unset" form: null is "auto" for the
/// autobools, 0 (or <see cref="TimeSpan.Zero"/>) means "use the consensus parameter" for the rest.
/// </summary>
public sealed record DosTorrcOptions
{
    /// <summary>Nothing set: every value comes from the consensus (or C tor's defaults).</summary>
    public static DosTorrcOptions Unset { get; } = new();

    public bool? CircuitCreationEnabled { get; init; }
    public int CircuitCreationMinConnections { get; init; }
    public int CircuitCreationRate { get; init; }
    public int CircuitCreationBurst { get; init; }
    public int CircuitCreationDefenseType { get; init; }
    public TimeSpan CircuitCreationDefenseTimePeriod { get; init; }

    public bool? ConnectionEnabled { get; init; }
    public int ConnectionMaxConcurrentCount { get; init; }
    public int ConnectionDefenseType { get; init; }
    public int ConnectionConnectRate { get; init; }
    public int ConnectionConnectBurst { get; init; }
    public TimeSpan ConnectionConnectDefenseTimePeriod { get; init; }

    public bool? RefuseSingleHopClientRendezvous { get; init; }
}
