namespace TorRelay.NetBench;

/// <summary>Shape of the CREATE_FAST flood (<c>--flood</c>).</summary>
public sealed record FloodOptions
{
    /// <summary>Aggregate CREATE_FAST cells per second over all links.</summary>
    public int Rate { get; init; } = 40_000;
    public int Links { get; init; } = 50;

    /// <summary>How long each flood lasts; the download under flood starts after <see cref="WarmUp"/> and must end by then.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(60);
    public TimeSpan WarmUp { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Send DESTROY for each answered circuit (churn, flat circuit count) instead of abandoning it.</summary>
    public bool DestroyAnswered { get; init; }

    /// <summary>
    /// Turn the DoS defences on through the consensus, as the live network's authorities do
    /// (DoSCircuitCreationEnabled=1 DoSConnectionEnabled=1, every other value C tor's default): both relays get them.
    /// </summary>
    public bool Dos { get; init; }

    /// <summary>Largest burst a link may send at once after a stall, in seconds' worth of its share of the rate.</summary>
    public double BurstSeconds { get; init; } = 0.05;
}
