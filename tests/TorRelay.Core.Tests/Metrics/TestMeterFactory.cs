using System.Diagnostics.Metrics;

namespace TorRelay.Core.Tests.Metrics;

/// <summary>Gives each test its own meter names (a unique prefix), so parallel tests never see each other's instruments.</summary>
public sealed class TestMeterFactory : IMeterFactory
{
    private readonly List<Meter> _meters = [];

    public string Prefix { get; } = "Test" + Guid.NewGuid().ToString("N") + ".";

    public List<string> Requested { get; } = [];

    public Meter Create(MeterOptions options)
    {
        var meter = new Meter(Prefix + options.Name, options.Version);
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
