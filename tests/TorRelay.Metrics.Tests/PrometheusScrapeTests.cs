using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;

namespace TorRelay.Metrics.Tests;

/// <summary>A real Prometheus server (Debian's /usr/bin/prometheus) scrapes our MetricsPort on 127.0.0.1.</summary>
public sealed class PrometheusScrapeTests
{
    private const string PrometheusBinary = "/usr/bin/prometheus";

    [Fact]
    public async Task Prometheus_scrapes_the_metrics_port_and_answers_queries_with_our_values()
    {
        string prefix = TestMeters.UniquePrefix();
        using var meter = new Meter(prefix);
        using PrometheusExporter exporter = TestMeters.Exporter(prefix);
        meter.CreateCounter<long>("tor_relay_load_onionskins_total", null, "Onionskins")
            .Add(1234, new("type", "ntor"), new("action", "processed"));
        meter.CreateHistogram<double>("tor_relay_circuit_build_seconds", "s", "Build time").Record(0.2);

        await using var server = new MetricsPortServer(new IPEndPoint(IPAddress.Loopback, 0), ["accept 127.0.0.1"], exporter, NullLogger.Instance);
        await server.StartAsync();

        string dir = Directory.CreateTempSubdirectory("torrelay-prometheus-").FullName;
        int webPort = FreePort();
        string config = Path.Combine(dir, "prometheus.yml");
        await File.WriteAllTextAsync(config, $"""
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
            scrape_configs:
              - job_name: torrelay
                static_configs:
                  - targets: ['127.0.0.1:{server.LocalEndPoint!.Port}']
            """);

        var psi = new ProcessStartInfo(PrometheusBinary)
        {
            ArgumentList =
            {
                $"--config.file={config}",
                $"--storage.tsdb.path={Path.Combine(dir, "data")}",
                $"--web.listen-address=127.0.0.1:{webPort}",
                "--log.level=warn",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        Process prometheus = Process.Start(psi)!;
        var log = new System.Text.StringBuilder();
        prometheus.OutputDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        prometheus.ErrorDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        prometheus.BeginOutputReadLine();
        prometheus.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            string query = Uri.EscapeDataString("tor_relay_load_onionskins_total{type=\"ntor\"}");
            var deadline = Stopwatch.StartNew();
            double? value = null;
            while (value is null && deadline.Elapsed < TimeSpan.FromSeconds(60))
            {
                Assert.False(prometheus.HasExited, "prometheus exited: " + log);
                await Task.Delay(500);
                try
                {
                    string json = await http.GetStringAsync($"http://127.0.0.1:{webPort}/api/v1/query?query={query}");
                    value = FirstValue(json);
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }
            }

            Assert.True(value is not null, "Prometheus returned no data within 60 s. Log:\n" + log);
            Assert.Equal(1234, value);

            string buckets = await http.GetStringAsync($"http://127.0.0.1:{webPort}/api/v1/query?query=" +
                Uri.EscapeDataString("tor_relay_circuit_build_seconds_bucket{le=\"0.25\"}"));
            Assert.Equal(1, FirstValue(buckets));
        }
        finally
        {
            if (!prometheus.HasExited)
                prometheus.Kill(entireProcessTree: true);
            prometheus.WaitForExit(10_000);
            prometheus.Dispose();
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>The value of the first result of an instant-query answer, or null while there is none.</summary>
    private static double? FirstValue(string json)
    {
        using JsonDocument doc = JsonDocument.Parse(json);
        JsonElement data = doc.RootElement.GetProperty("data").GetProperty("result");
        if (data.GetArrayLength() == 0)
            return null;
        string text = data[0].GetProperty("value")[1].GetString()!;
        return double.Parse(text, CultureInfo.InvariantCulture);
    }

    private static int FreePort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }
}
