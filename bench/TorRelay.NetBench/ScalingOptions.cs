namespace TorRelay.NetBench;

/// <summary>Shape of the forwarding load (<c>--scaling</c>).</summary>
public sealed record ScalingOptions
{
    /// <summary>Two-hop circuits through our relay, spread over the links and the sinks.</summary>
    public int Circuits { get; init; } = 64;

    /// <summary>Links from the generator to our relay (each one of our relay's inbound read loops).</summary>
    public int Links { get; init; } = 8;

    /// <summary>Second hops, each its own identity, so our relay has this many outbound channels.</summary>
    public int Sinks { get; init; } = 8;

    /// <summary>Core counts to give our relay, one run each.</summary>
    public IReadOnlyList<int> Cores { get; init; } = [1, 2];

    /// <summary>
    /// Cells per second the generator sends in all (<c>--rate</c>); 0 sends as fast as the links take them. A paced
    /// load wakes the relay for a burst every millisecond or so, as a guard's flushes do in the download benchmarks.
    /// </summary>
    public int Rate { get; init; }

    public TimeSpan WarmUp { get; init; } = TimeSpan.FromSeconds(3);
    public TimeSpan Measure { get; init; } = TimeSpan.FromSeconds(20);
}
