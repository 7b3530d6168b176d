namespace TorRelay.Metrics.Tests.Dashboard;

/// <summary>The exposition of CoreMetrics and RelayMetrics, checked by promtool and against C tor 0.4.9's own.</summary>
public sealed class RelayInstrumentsPromtoolTests
{
    /// <summary>C tor exports the open circuit count as a gauge named ..._total; we keep its name, so promtool's lint says so.</summary>
    private const string CircuitsTotalLint = "tor_relay_circuits_total non-counter metrics should not have \"_total\" suffix";

    [Fact]
    public void Relay_instruments_pass_promtool_check_metrics_but_for_c_tors_circuits_total_name()
    {
        using var relay = new RelayInstruments(includeRuntimeAndProcess: false).RecordOneOfEach();
        string text = relay.Exporter.Scrape();

        (int exitCode, string output) = ExternalProcess.Run("/usr/bin/promtool", "check metrics", text, TimeSpan.FromSeconds(60));

        // Exit 1 would be a parse error; 3 is lint problems only.
        Assert.True(exitCode is 0 or 3, $"promtool exit {exitCode}: {output}\n--- input ---\n{text}");
        var problems = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal([CircuitsTotalLint], problems);
    }

    [Fact]
    public void Every_c_tor_series_we_implement_has_the_same_name_and_labels_as_in_c_tor_0_4_9()
    {
        var ctor = Exposition.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Dashboard", "ctor-0.4.9.11-relay-metrics.txt")));
        using var relay = new RelayInstruments(includeRuntimeAndProcess: false).RecordOneOfEach();
        var ours = Exposition.Parse(relay.Exporter.Scrape());

        Assert.True(ctor.Samples.Count >= 70, $"{ctor.Samples.Count} C tor samples");
        Assert.All(ctor.Samples, s => Assert.Contains(s, ours.Samples));
        // Same families with the same label sets, nothing more: what C tor dashboards query works unchanged.
        Assert.All(ours.Samples.Where(s => ctor.Types.ContainsKey(s.Name)), s => Assert.Contains(s, ctor.Samples));
    }

    [Fact]
    public void Metric_types_match_c_tor_except_traffic_bytes_which_keeps_its_name_as_a_gauge()
    {
        var ctor = Exposition.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Dashboard", "ctor-0.4.9.11-relay-metrics.txt")));
        using var relay = new RelayInstruments(includeRuntimeAndProcess: false).RecordOneOfEach();
        var ours = Exposition.Parse(relay.Exporter.Scrape());

        foreach (var (family, type) in ctor.Types)
        {
            // Our exporter appends _total to every counter; C tor's counter tor_relay_traffic_bytes has none.
            string expected = family == "tor_relay_traffic_bytes" ? "gauge" : type;
            Assert.True(ours.Types.TryGetValue(family, out string? actual), $"{family} is not exported");
            Assert.Equal((family, expected), (family, actual));
        }
    }
}
