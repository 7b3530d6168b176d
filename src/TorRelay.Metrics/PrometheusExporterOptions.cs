namespace TorRelay.Metrics;

/// <summary>What a <see cref="PrometheusExporter"/> collects.</summary>
public sealed record PrometheusExporterOptions
{
    /// <summary>Meters whose name starts with this (ordinal) are exported, e.g. "TorRelay" for "TorRelay.Relay".</summary>
    public string MeterNamePrefix { get; init; } = "TorRelay";

    /// <summary>Also export .NET's built-in "System.Runtime" meter (dotnet_gc_collections_total, ...).</summary>
    public bool IncludeRuntimeMetrics { get; init; } = true;

    /// <summary>Also write the process_* metrics of Prometheus client libraries (CPU, memory, start time, fds).</summary>
    public bool IncludeProcessMetrics { get; init; } = true;

    /// <summary>
    /// Histogram bounds for instruments without InstrumentAdvice; null picks by unit: Prometheus'
    /// defaults (5 ms .. 10 s) for unit "s", OpenTelemetry's defaults (0 .. 10000) otherwise.
    /// </summary>
    public IReadOnlyList<double>? DefaultHistogramBoundaries { get; init; }

    /// <summary>Label sets kept per instrument; measurements with further new label sets are dropped.</summary>
    public int MaxSeriesPerInstrument { get; init; } = 2000;
}
