using System.Diagnostics.Metrics;

namespace TorRelay.Metrics.Tests;

/// <summary>Debian's promtool (/usr/bin/promtool) checks our exposition: parse errors and lint problems fail.</summary>
public sealed class PromtoolTests
{
    private const string Promtool = "/usr/bin/promtool";

    [Fact]
    public void Every_instrument_kind_with_process_metrics_passes_promtool_check_metrics()
    {
        string prefix = TestMeters.UniquePrefix();
        using var meter = new Meter(prefix + ".Relay", "1.0", [new KeyValuePair<string, object?>("relay", "test")]);
        using var exporter = new PrometheusExporter(new PrometheusExporterOptions
        {
            MeterNamePrefix = prefix,
            IncludeRuntimeMetrics = false,
            IncludeProcessMetrics = true,
        });
        var ntor = new KeyValuePair<string, object?>("type", "ntor");
        var odd = new KeyValuePair<string, object?>("odd.key", "quote \" backslash \\ newline \n end");

        meter.CreateCounter<long>("tor_relay_load_onionskins_total", "{onionskin}", "Total number of onionskins handled").Add(5, ntor, odd);
        meter.CreateCounter<double>("tor_relay_traffic_bytes", "By", "Traffic \\ with a\nnewline").Add(1.5);
        meter.CreateCounter<byte>("small_total").Add(1);
        meter.CreateUpDownCounter<int>("tor_relay_connections", "{connection}", "Connections").Add(3, ntor);
        meter.CreateUpDownCounter<short>("tor_relay_streams").Add(-1);
        meter.CreateGauge<float>("tor_relay_congestion_control", null, "CC").Record(0.25f);
        meter.CreateHistogram("tor_relay_circuit_build_seconds", "s", "Build time",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 1, 10] }).Record(2, ntor);
        meter.CreateHistogram<long>("tor_relay_cell_queue_cells", null, "Queued cells").Record(42);
        meter.CreateHistogram<decimal>("tor_relay_decimal_values", null, "Decimal").Record(1.5m);
        meter.CreateObservableCounter("tor_relay_circuits_total", () => 7L, null, "Circuits");
        meter.CreateObservableUpDownCounter("tor_relay_flag", () => new Measurement<int>(1, new KeyValuePair<string, object?>("type", "Fast")), null, "Flags");
        meter.CreateObservableGauge("tor_relay_signing_cert_expiry_timestamp", () => 1.7e9, null, "Expiry");
        meter.CreateUpDownCounter<int>("3rd-party.metric").Add(1);

        string text = exporter.Scrape();
        (int exitCode, string output) = ExternalProcess.Run(Promtool, "check metrics", text, TimeSpan.FromSeconds(60));

        Assert.True(exitCode == 0 && output.Trim().Length == 0, $"promtool exit {exitCode}: {output}\n--- input ---\n{text}");
        Assert.Contains("tor_relay_circuit_build_seconds_bucket{relay=\"test\",type=\"ntor\",le=\"+Inf\"} 1", text);
    }

    [Fact]
    public void Runtime_metrics_parse_and_only_the_runtime_count_gauges_are_linted()
    {
        using var exporter = new PrometheusExporter(new PrometheusExporterOptions { MeterNamePrefix = TestMeters.UniquePrefix() });
        string text = exporter.Scrape();

        (int exitCode, string output) = ExternalProcess.Run(Promtool, "check metrics", text, TimeSpan.FromSeconds(60));

        // Exit 1 is a parse error; 3 means lint problems only. .NET names some gauges "*.count"
        // (dotnet.assembly.count, ...), which promtool's lint flags; nothing else may be reported.
        Assert.True(exitCode is 0 or 3, $"promtool exit {exitCode}: {output}");
        foreach (string problem in output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            Assert.Matches("^dotnet_[a-z_]+_count non-histogram and non-summary metrics should not have \"_count\" suffix$", problem);
        }
    }

    [Fact]
    public void Promtool_rejects_a_broken_exposition_so_the_checks_above_can_fail()
    {
        (int exitCode, string output) = ExternalProcess.Run(Promtool, "check metrics", "# TYPE foo counter\nfoo{a=\"b} 1\n", TimeSpan.FromSeconds(60));

        Assert.NotEqual(0, exitCode);
        Assert.NotEmpty(output.Trim());
    }
}
