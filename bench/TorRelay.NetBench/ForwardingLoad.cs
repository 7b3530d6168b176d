using System.Net;

namespace TorRelay.NetBench;

/// <summary>
/// The forwarding load of <see cref="ScalingBench"/> and <see cref="SaturationBench"/>: the sinks, a
/// <see cref="CircuitPump"/> whose circuits run through the relay under test to them, and a warm-up; then the caller
/// measures while the pump sends, and everything is torn down.
/// </summary>
public static class ForwardingLoad
{
    /// <summary>Bytes of one forwarded cell on the wire: link protocol 4+, circuit ID (4) | command (1) | payload (509).</summary>
    public const int CellBytes = 514;

    public delegate Task<T> Measure<T>(IReadOnlyList<DropSink> sinks, CircuitPump pump);

    public static async Task<T> RunAsync<T>(int relayOrPort, string relayFingerprint, ScalingOptions options, Measure<T> measure)
    {
        var sinks = new List<DropSink>();
        using var identity = new BenchRelayIdentity();
        var pump = new CircuitPump(identity);
        try
        {
            for (int i = 0; i < options.Sinks; i++) sinks.Add(new DropSink());
            using var building = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await pump.BuildAsync(new IPEndPoint(IPAddress.Loopback, relayOrPort), Convert.FromHexString(relayFingerprint), sinks, options,
                building.Token);
            await Task.Delay(options.WarmUp);
            return await measure(sinks, pump);
        }
        finally
        {
            await pump.DisposeAsync();
            foreach (var s in sinks) await s.DisposeAsync();
        }
    }
}
