namespace TorRelay.Metrics.Tests;

/// <summary>Meter names no other test uses, so parallel tests never see each other's instruments.</summary>
internal static class TestMeters
{
    public static string UniquePrefix() => "TorRelayTest" + Guid.NewGuid().ToString("N");

    /// <summary>An exporter of only the meters under <paramref name="prefix"/> (no runtime or process metrics).</summary>
    public static PrometheusExporter Exporter(string prefix) => new(new PrometheusExporterOptions
    {
        MeterNamePrefix = prefix,
        IncludeRuntimeMetrics = false,
        IncludeProcessMetrics = false,
    });
}
