using TorRelay.Core.Metrics;

namespace TorRelay.Core.Tests.Metrics;

/// <summary>A private meter factory, the <see cref="CoreMetrics"/> under test on it, and a collector of what it reports.</summary>
public abstract class CoreMetricsTestBase : IDisposable
{
    protected CoreMetricsTestBase()
    {
        Metrics = new CoreMetrics(Factory);
        Collector = new MetricsCollector(Factory.Prefix + CoreMetrics.MeterName);
    }

    protected TestMeterFactory Factory { get; } = new();
    protected CoreMetrics Metrics { get; }
    protected MetricsCollector Collector { get; }

    public void Dispose()
    {
        Collector.Dispose();
        Metrics.Dispose();
        Factory.Dispose();
        GC.SuppressFinalize(this);
    }
}
