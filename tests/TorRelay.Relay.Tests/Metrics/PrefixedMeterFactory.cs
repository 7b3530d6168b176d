using System.Diagnostics.Metrics;

namespace TorRelay.Relay.Tests.Metrics;

/// <summary>Creates meters under a test's own prefix, so parallel tests never see each other's instruments.</summary>
internal sealed class PrefixedMeterFactory(string prefix) : IMeterFactory
{
    private readonly List<Meter> _meters = [];

    public List<string> Requested { get; } = [];

    public Meter Create(MeterOptions options)
    {
        var meter = new Meter(prefix + options.Name, options.Version);
        lock (_meters)
        {
            Requested.Add(options.Name);
            _meters.Add(meter);
        }
        return meter;
    }

    public void Dispose()
    {
        lock (_meters)
            foreach (var meter in _meters) meter.Dispose();
    }
}
