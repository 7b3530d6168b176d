using System.Diagnostics.Metrics;

namespace TorRelay.Metrics.Tests;

public sealed class ExpositionFormatTests
{
    private readonly string _prefix = TestMeters.UniquePrefix();

    [Fact]
    public void Counter_named_with_total_is_not_suffixed_twice_and_groups_label_sets_under_one_header()
    {
        using var meter = new Meter(_prefix + ".Relay");
        using PrometheusExporter exporter = TestMeters.Exporter(_prefix);
        Counter<long> onionskins = meter.CreateCounter<long>("tor_relay_load_onionskins_total", "{onionskin}", "Total number of onionskins handled");

        onionskins.Add(3, new("type", "ntor"), new("action", "processed"));
        onionskins.Add(1, new("action", "processed"), new("type", "ntor")); // same label set, other order
        onionskins.Add(2, new("type", "fast"), new("action", "dropped"));

        Assert.Equal(
            "# HELP tor_relay_load_onionskins_total Total number of onionskins handled\n" +
            "# TYPE tor_relay_load_onionskins_total counter\n" +
            "tor_relay_load_onionskins_total{action=\"dropped\",type=\"fast\"} 2\n" +
            "tor_relay_load_onionskins_total{action=\"processed\",type=\"ntor\"} 4\n",
            exporter.Scrape());
    }

    [Fact]
    public void Counter_without_total_gets_it_and_the_unit_is_never_appended()
    {
        using var meter = new Meter(_prefix);
        using PrometheusExporter exporter = TestMeters.Exporter(_prefix);
        meter.CreateCounter<long>("tor_relay_traffic_bytes", "By", "Traffic related counters").Add(1500, new KeyValuePair<string, object?>("direction", "read"));
        meter.CreateUpDownCounter<int>("tor_relay_connections", "{connection}", "Connections").Add(2);

        string text = exporter.Scrape();

        Assert.Contains("# TYPE tor_relay_traffic_bytes_total counter\n", text);
        Assert.Contains("tor_relay_traffic_bytes_total{direction=\"read\"} 1500\n", text);
        Assert.Contains("# TYPE tor_relay_connections gauge\ntor_relay_connections 2\n", text);
        Assert.DoesNotContain("_bytes_bytes", text);
        Assert.DoesNotContain("connection}", text);
    }

    [Fact]
    public void Label_values_escape_backslash_quote_and_newline()
    {
        using var meter = new Meter(_prefix);
        using PrometheusExporter exporter = TestMeters.Exporter(_prefix);
        meter.CreateCounter<int>("escapes_total", null, "h").Add(1, new KeyValuePair<string, object?>("v", "a\\b\"c\nd"));

        Assert.Contains("escapes_total{v=\"a\\\\b\\\"c\\nd\"} 1\n", exporter.Scrape());
    }

    [Fact]
    public void Help_escapes_backslash_and_newline_but_not_quotes()
    {
        using var meter = new Meter(_prefix);
        using PrometheusExporter exporter = TestMeters.Exporter(_prefix);
        meter.CreateUpDownCounter<int>("help_gauge", null, "one \\ two\n\"three\"").Add(1);

        Assert.Contains("# HELP help_gauge one \\\\ two\\n\"three\"\n", exporter.Scrape());
    }

    [Fact]
    public void Missing_description_falls_back_to_the_instrument_name()
    {
        using var meter = new Meter(_prefix);
        using PrometheusExporter exporter = TestMeters.Exporter(_prefix);
        meter.CreateUpDownCounter<int>("undocumented").Add(1);

        Assert.Contains("# HELP undocumented undocumented\n", exporter.Scrape());
    }

    [Fact]
    public void Histogram_uses_advised_bounds_with_cumulative_buckets_inf_sum_and_count()
    {
        using var meter = new Meter(_prefix);
        using PrometheusExporter exporter = TestMeters.Exporter(_prefix);
        Histogram<double> h = meter.CreateHistogram("tor_relay_circuit_build_seconds", "s", "Build time",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 1, 2.5] });
        foreach (double v in new[] { 0.05, 0.1, 0.5, 1, 3, 7 })
            h.Record(v, new KeyValuePair<string, object?>("kind", "general"));

        Assert.Equal(
            "# HELP tor_relay_circuit_build_seconds Build time\n" +
            "# TYPE tor_relay_circuit_build_seconds histogram\n" +
            "tor_relay_circuit_build_seconds_bucket{kind=\"general\",le=\"0.1\"} 2\n" +
            "tor_relay_circuit_build_seconds_bucket{kind=\"general\",le=\"1\"} 4\n" +
            "tor_relay_circuit_build_seconds_bucket{kind=\"general\",le=\"2.5\"} 4\n" +
            "tor_relay_circuit_build_seconds_bucket{kind=\"general\",le=\"+Inf\"} 6\n" +
            "tor_relay_circuit_build_seconds_sum{kind=\"general\"} 11.65\n" +
            "tor_relay_circuit_build_seconds_count{kind=\"general\"} 6\n",
            exporter.Scrape());
    }

    [Fact]
    public void Histogram_without_advice_in_seconds_gets_prometheus_default_buckets()
    {
        using var meter = new Meter(_prefix);
        using PrometheusExporter exporter = TestMeters.Exporter(_prefix);
        meter.CreateHistogram<double>("latency", "s").Record(0.2);

        string text = exporter.Scrape();

        string[] les = text.Split('\n').Where(l => l.StartsWith("latency_bucket", StringComparison.Ordinal))
            .Select(l => l[(l.IndexOf("le=\"", StringComparison.Ordinal) + 4)..l.IndexOf("\"}", StringComparison.Ordinal)]).ToArray();
        Assert.Equal(["0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "+Inf"], les);
        Assert.Contains("latency_bucket{le=\"0.1\"} 0\n", text);
        Assert.Contains("latency_bucket{le=\"0.25\"} 1\n", text);
    }

    [Fact]
    public void Integer_histogram_and_a_user_le_tag_do_not_clash_with_the_bucket_label()
    {
        using var meter = new Meter(_prefix);
        using PrometheusExporter exporter = TestMeters.Exporter(_prefix);
        meter.CreateHistogram("cells", null, null, advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [10, 100] })
            .Record(50, new KeyValuePair<string, object?>("le", "x"));

        string text = exporter.Scrape();

        Assert.Contains("cells_bucket{_le=\"x\",le=\"100\"} 1\n", text);
        Assert.Contains("cells_sum{_le=\"x\"} 50\n", text);
    }

    [Fact]
    public void Metric_and_label_names_are_sanitised()
    {
        using var meter = new Meter(_prefix);
        using PrometheusExporter exporter = TestMeters.Exporter(_prefix);
        meter.CreateUpDownCounter<int>("tor.relay-weird name").Add(1,
            new("1st", "a"), new("dotted.key", "b"), new("__reserved", "c"));

        Assert.Contains("tor_relay_weird_name{_1st=\"a\",_reserved=\"c\",dotted_key=\"b\"} 1\n", exporter.Scrape());
    }

    [Fact]
    public void Families_and_series_come_out_in_a_deterministic_order()
    {
        using var meter = new Meter(_prefix);
        using PrometheusExporter exporter = TestMeters.Exporter(_prefix);
        UpDownCounter<int> b = meter.CreateUpDownCounter<int>("b_metric");
        UpDownCounter<int> a = meter.CreateUpDownCounter<int>("a_metric");
        b.Add(1, new KeyValuePair<string, object?>("k", "z"));
        b.Add(1, new KeyValuePair<string, object?>("k", "y"));
        a.Add(1);

        string text = exporter.Scrape();

        Assert.True(text.IndexOf("a_metric 1", StringComparison.Ordinal) < text.IndexOf("b_metric{", StringComparison.Ordinal));
        Assert.True(text.IndexOf("k=\"y\"", StringComparison.Ordinal) < text.IndexOf("k=\"z\"", StringComparison.Ordinal));
        Assert.Equal(text, exporter.Scrape());
    }

    [Fact]
    public void Instruments_of_the_same_name_in_two_meters_share_one_help_and_type()
    {
        using var m1 = new Meter(_prefix + ".A");
        using var m2 = new Meter(_prefix + ".B");
        using PrometheusExporter exporter = TestMeters.Exporter(_prefix);
        m1.CreateCounter<long>("tor_relay_streams_total", null, "first").Add(1, new KeyValuePair<string, object?>("type", "begin"));
        m2.CreateCounter<long>("tor_relay_streams_total", null, "second").Add(2, new KeyValuePair<string, object?>("type", "resolve"));
        m2.CreateUpDownCounter<long>("tor_relay_streams_total", null, "a gauge with a counter's name").Add(5);

        string text = exporter.Scrape();

        Assert.Equal(1, Count(text, "# HELP tor_relay_streams_total"));
        Assert.Equal(1, Count(text, "# TYPE tor_relay_streams_total counter"));
        Assert.Contains("tor_relay_streams_total{type=\"begin\"} 1\n", text);
        Assert.Contains("tor_relay_streams_total{type=\"resolve\"} 2\n", text);
        Assert.DoesNotContain("tor_relay_streams_total 5", text);
    }

    [Fact]
    public void Double_counters_and_gauges_keep_fractions_and_special_values()
    {
        using var meter = new Meter(_prefix);
        using PrometheusExporter exporter = TestMeters.Exporter(_prefix);
        Counter<double> c = meter.CreateCounter<double>("fraction_total");
        c.Add(0.25);
        c.Add(0.5);
        c.Add(-3); // a counter never goes down
        meter.CreateGauge<double>("inf_gauge").Record(double.PositiveInfinity);

        string text = exporter.Scrape();

        Assert.Contains("fraction_total 0.75\n", text);
        Assert.Contains("inf_gauge +Inf\n", text);
    }

    [Fact]
    public void UpDownCounter_goes_negative_and_Gauge_keeps_the_last_value()
    {
        using var meter = new Meter(_prefix);
        using PrometheusExporter exporter = TestMeters.Exporter(_prefix);
        UpDownCounter<long> open = meter.CreateUpDownCounter<long>("open");
        open.Add(2);
        open.Add(-5);
        Gauge<int> g = meter.CreateGauge<int>("last");
        g.Record(7);
        g.Record(3);

        string text = exporter.Scrape();

        Assert.Contains("# TYPE open gauge\nopen -3\n", text);
        Assert.Contains("# TYPE last gauge\nlast 3\n", text);
    }

    [Fact]
    public void Observable_instruments_report_current_values_and_drop_series_no_longer_observed()
    {
        using var meter = new Meter(_prefix);
        using PrometheusExporter exporter = TestMeters.Exporter(_prefix);
        int calls = 0;
        meter.CreateObservableCounter("tor_relay_circuits_total", () => new Measurement<long>(10L * ++calls), null, "circuits");
        meter.CreateObservableGauge("tor_relay_signing_cert_expiry_timestamp", () => 1.5e9);
        meter.CreateObservableUpDownCounter("flags", () => calls == 1
            ? [new Measurement<int>(1, new KeyValuePair<string, object?>("type", "Fast")), new Measurement<int>(1, new KeyValuePair<string, object?>("type", "Guard"))]
            : new[] { new Measurement<int>(1, new KeyValuePair<string, object?>("type", "Fast")) });

        string first = exporter.Scrape();
        string second = exporter.Scrape();

        Assert.Contains("# TYPE tor_relay_circuits_total counter\ntor_relay_circuits_total 10\n", first);
        Assert.Contains("tor_relay_circuits_total 20\n", second);
        Assert.Contains("tor_relay_signing_cert_expiry_timestamp 1500000000\n", first);
        Assert.Contains("flags{type=\"Guard\"} 1\n", first);
        Assert.DoesNotContain("Guard", second);
        Assert.Contains("flags{type=\"Fast\"} 1\n", second);
    }

    [Fact]
    public void A_throwing_observable_callback_loses_only_its_own_values()
    {
        using var meter = new Meter(_prefix);
        using PrometheusExporter exporter = TestMeters.Exporter(_prefix);
        meter.CreateObservableGauge("broken", new Func<int>(() => throw new InvalidOperationException("boom")));
        meter.CreateObservableGauge("working", () => 5);

        string text = exporter.Scrape();

        Assert.Contains("working 5\n", text);
        Assert.DoesNotContain("broken", text);
    }

    [Fact]
    public void Meters_outside_the_prefix_are_not_exported()
    {
        using var mine = new Meter(_prefix);
        using var other = new Meter("Other" + _prefix);
        using PrometheusExporter exporter = TestMeters.Exporter(_prefix);
        mine.CreateUpDownCounter<int>("mine").Add(1);
        other.CreateUpDownCounter<int>("theirs").Add(1);

        string text = exporter.Scrape();

        Assert.Contains("mine 1", text);
        Assert.DoesNotContain("theirs", text);
    }

    [Fact]
    public void A_disposed_meter_disappears_from_the_output()
    {
        using PrometheusExporter exporter = TestMeters.Exporter(_prefix);
        var meter = new Meter(_prefix);
        meter.CreateUpDownCounter<int>("short_lived").Add(1);
        Assert.Contains("short_lived 1", exporter.Scrape());

        meter.Dispose();

        Assert.DoesNotContain("short_lived", exporter.Scrape());
    }

    [Fact]
    public void Concurrent_measurements_from_many_threads_are_all_counted()
    {
        using var meter = new Meter(_prefix);
        using PrometheusExporter exporter = TestMeters.Exporter(_prefix);
        Counter<long> c = meter.CreateCounter<long>("hits_total");
        Counter<double> d = meter.CreateCounter<double>("weight_total");
        Histogram<long> h = meter.CreateHistogram<long>("sizes");
        var tag = new KeyValuePair<string, object?>("t", "x");

        Parallel.For(0, 8, _ =>
        {
            for (int i = 0; i < 20_000; i++)
            {
                c.Add(1);
                c.Add(1, tag);
                d.Add(0.5);
                h.Record(i % 100);
            }
        });

        string text = exporter.Scrape();
        Assert.Contains("hits_total 160000\n", text);
        Assert.Contains("hits_total{t=\"x\"} 160000\n", text);
        Assert.Contains("weight_total 80000\n", text);
        Assert.Contains("sizes_count 160000\n", text);
    }

    [Fact]
    public void Recording_to_an_existing_series_allocates_nothing()
    {
        using var meter = new Meter(_prefix);
        using PrometheusExporter exporter = TestMeters.Exporter(_prefix);
        Counter<long> c = meter.CreateCounter<long>("cells_total");
        Histogram<double> h = meter.CreateHistogram<double>("wait");
        var dir = new KeyValuePair<string, object?>("direction", "read");
        var type = new KeyValuePair<string, object?>("type", "or");
        for (int i = 0; i < 100; i++)
            Record(c, h, dir, type); // create the series and warm up

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10_000; i++)
            Record(c, h, dir, type);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Contains("cells_total{direction=\"read\",type=\"or\"} 10100\n", exporter.Scrape());

        static void Record(Counter<long> c, Histogram<double> h, KeyValuePair<string, object?> a, KeyValuePair<string, object?> b)
        {
            c.Add(1);
            c.Add(1, a, b);
            h.Record(0.3);
            h.Record(0.3, a);
        }
    }

    [Fact]
    public void New_label_sets_beyond_the_cap_are_dropped()
    {
        using var meter = new Meter(_prefix);
        using var exporter = new PrometheusExporter(new PrometheusExporterOptions
        {
            MeterNamePrefix = _prefix,
            IncludeProcessMetrics = false,
            IncludeRuntimeMetrics = false,
            MaxSeriesPerInstrument = 3,
        });
        Counter<int> c = meter.CreateCounter<int>("capped_total");
        for (int i = 0; i < 10; i++)
            c.Add(1, new KeyValuePair<string, object?>("id", i));

        Assert.Equal(3, Count(exporter.Scrape(), "capped_total{"));
    }

    [Fact]
    public void Process_and_runtime_metrics_are_exported_under_prometheus_names()
    {
        using var exporter = new PrometheusExporter(new PrometheusExporterOptions { MeterNamePrefix = _prefix });
        GC.Collect();

        string text = exporter.Scrape();

        Assert.Contains("# TYPE process_cpu_seconds_total counter\n", text);
        Assert.Contains("# TYPE process_resident_memory_bytes gauge\n", text);
        Assert.Contains("# TYPE process_start_time_seconds gauge\n", text);
        Assert.Contains("# TYPE process_open_fds gauge\n", text);
        Assert.Contains("# TYPE dotnet_gc_collections_total counter\n", text);
        Assert.Contains("dotnet_gc_collections_total{gc_heap_generation=\"gen2\"}", text);
        Assert.Contains("# TYPE dotnet_gc_last_collection_heap_size gauge\n", text);
        Assert.Contains("# TYPE dotnet_process_cpu_time_total counter\n", text);
        Assert.Contains("# TYPE dotnet_thread_pool_thread_count gauge\n", text); // the runtime says counter; it is not
    }

    private static int Count(string text, string what)
    {
        int n = 0;
        for (int i = text.IndexOf(what, StringComparison.Ordinal); i >= 0; i = text.IndexOf(what, i + 1, StringComparison.Ordinal))
            n++;
        return n;
    }
}
