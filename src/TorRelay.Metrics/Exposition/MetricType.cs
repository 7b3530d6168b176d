namespace TorRelay.Metrics.Exposition;

/// <summary>The Prometheus metric types we write (text format 0.0.4 "# TYPE" values).</summary>
internal enum MetricType
{
    Counter,
    Gauge,
    Histogram,
}
