namespace TorRelay.Metrics.Tests.Dashboard;

/// <summary>grafana/dashboards/torrelay.json queries only what the relay exports, and shows all of it.</summary>
public sealed class DashboardTests
{
    private readonly GrafanaDashboard _dashboard = GrafanaDashboard.Load();

    private static IReadOnlySet<string> ExportedSampleNames()
    {
        using var relay = new RelayInstruments(includeRuntimeAndProcess: true).RecordOneOfEach();
        GC.Collect(); // so the runtime's GC instruments have a collection to report
        return Exposition.Parse(relay.Exporter.Scrape()).SampleNames;
    }

    [Fact]
    public void Every_metric_in_every_panel_query_is_exported()
    {
        var exported = ExportedSampleNames();
        var missing = new List<string>();
        int queries = 0;
        foreach (var panel in _dashboard.DataPanels())
        {
            foreach (string expr in GrafanaDashboard.Expressions(panel))
            {
                queries++;
                var names = PromQlNames.Of(expr);
                Assert.True(names.Count > 0, $"panel '{GrafanaDashboard.Title(panel)}': no metric in '{expr}'");
                missing.AddRange(names.Where(n => !exported.Contains(n)).Select(n => $"{GrafanaDashboard.Title(panel)}: {n}"));
            }
        }
        missing.AddRange(_dashboard.VariableMetrics().Where(n => !exported.Contains(n)).Select(n => "variable: " + n));

        Assert.True(queries >= 20, $"only {queries} queries");
        Assert.Empty(missing);
    }

    [Fact]
    public void Every_relay_metric_family_appears_on_the_dashboard()
    {
        using var relay = new RelayInstruments(includeRuntimeAndProcess: false).RecordOneOfEach();
        var families = Exposition.Parse(relay.Exporter.Scrape()).Types.Keys;
        var used = _dashboard.DataPanels().SelectMany(GrafanaDashboard.Expressions).SelectMany(PromQlNames.Of).ToHashSet();

        var unused = families.Where(f => !used.Contains(f) && !used.Contains(f + "_bucket")).ToList();

        Assert.True(families.Count() >= 15, string.Join(",", families));
        Assert.Empty(unused);
    }

    [Fact]
    public void Every_data_panel_and_query_uses_the_DS_PROMETHEUS_variable()
    {
        var variables = _dashboard.Root.GetProperty("templating").GetProperty("list").EnumerateArray().ToList();
        var ds = Assert.Single(variables, v => v.GetProperty("name").GetString() == "DS_PROMETHEUS");
        Assert.Equal("datasource", ds.GetProperty("type").GetString());
        Assert.Equal("prometheus", ds.GetProperty("query").GetString());

        foreach (var panel in _dashboard.DataPanels())
        {
            Assert.Equal(GrafanaDashboard.DataSourceUid, panel.GetProperty("datasource").GetProperty("uid").GetString());
            var targets = panel.GetProperty("targets").EnumerateArray().ToList();
            Assert.NotEmpty(targets);
            Assert.All(targets, t => Assert.Equal(GrafanaDashboard.DataSourceUid, t.GetProperty("datasource").GetProperty("uid").GetString()));
        }
    }

    [Fact]
    public void Dashboard_has_schema_39_a_stable_uid_and_unique_panel_ids()
    {
        Assert.Equal(39, _dashboard.Root.GetProperty("schemaVersion").GetInt32());
        Assert.Equal("torrelay", _dashboard.Root.GetProperty("uid").GetString());
        var ids = _dashboard.Root.GetProperty("panels").EnumerateArray().Select(p => p.GetProperty("id").GetInt32()).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(_dashboard.Root.GetProperty("panels").EnumerateArray(), p => Assert.True(p.TryGetProperty("gridPos", out _)));
    }

    [Fact]
    public void Every_panel_query_is_valid_promql()
    {
        // promtool parses rule expressions; Grafana's variables become what Grafana would substitute.
        var rules = new System.Text.StringBuilder("groups:\n- name: dashboard\n  rules:\n");
        int n = 0;
        foreach (string expr in _dashboard.DataPanels().SelectMany(GrafanaDashboard.Expressions))
        {
            string promql = expr.Replace("$__rate_interval", "1m").Replace("$instance", ".*");
            rules.Append("  - record: dashboard_query_").Append(n++).Append("\n    expr: '").Append(promql.Replace("'", "''")).Append("'\n");
        }
        string dir = System.IO.Directory.CreateTempSubdirectory("torrelay-dashboard").FullName;
        try
        {
            string file = Path.Combine(dir, "rules.yml");
            File.WriteAllText(file, rules.ToString());
            (int exitCode, string output) = ExternalProcess.Run("/usr/bin/promtool", $"check rules {file}", "", TimeSpan.FromSeconds(60));
            Assert.True(exitCode == 0, $"promtool exit {exitCode}: {output}\n{rules}");
            Assert.Contains($"SUCCESS: {n} rules found", output);
        }
        finally
        {
            System.IO.Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("rate(tor_relay_traffic_bytes{instance=~\"$instance\"}[$__rate_interval])", "tor_relay_traffic_bytes")]
    [InlineData("histogram_quantile(0.99, sum by (kind, le) (rate(torrelay_handshake_seconds_bucket{a=\"b\"}[5m])))", "torrelay_handshake_seconds_bucket")]
    [InlineData("sum(rate(x_sum[1m])) / sum(rate(x_count[1m])) > 1e-3", "x_count,x_sum")]
    [InlineData("tor_relay_signing_cert_expiry_timestamp - time()", "tor_relay_signing_cert_expiry_timestamp")]
    [InlineData("sum without (instance) (a) and on (job) b offset 5m", "a,b")]
    public void Metric_names_are_extracted_from_promql(string expr, string expected)
    {
        Assert.Equal(expected, string.Join(",", PromQlNames.Of(expr)));
    }
}
