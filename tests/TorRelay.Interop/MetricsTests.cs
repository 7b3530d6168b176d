using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using TorRelay.TestNet;

namespace TorRelay.Interop;

/// <summary>Debian's Prometheus scrapes our relay's MetricsPort inside the shared network and answers queries.</summary>
[Collection("TorNetwork")]
public sealed class MetricsTests(TorNetworkFixture fixture)
{
    [Fact]
    public async Task PrometheusScrapesOurRelayAndSeesItRunning()
    {
        var network = fixture.Network;
        var ours = fixture.OurRelay;
        await network.WaitForRelayAsync(ours.Nickname, ["Running", "Valid"], TimeSpan.FromSeconds(150));
        Assert.True(ours.MetricsPort > 0);

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        string text = await http.GetStringAsync($"http://127.0.0.1:{ours.MetricsPort}/metrics");
        Assert.Contains("tor_relay_connections{", text);
        Assert.Contains("tor_relay_load_onionskins_total{", text);
        await AssertPromtoolFindsNoErrorsAsync(text);

        string dir = Directory.CreateTempSubdirectory("torrelay-prometheus-").FullName;
        int webPort = PortAllocator.FreePort();
        string config = Path.Combine(dir, "prometheus.yml");
        await File.WriteAllTextAsync(config, $"""
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
            scrape_configs:
              - job_name: torrelay
                static_configs:
                  - targets: ['127.0.0.1:{ours.MetricsPort}']
            """);
        var psi = new ProcessStartInfo("prometheus")
        {
            ArgumentList = { $"--config.file={config}", $"--storage.tsdb.path={Path.Combine(dir, "data")}",
                $"--web.listen-address=127.0.0.1:{webPort}", "--log.level=warn" },
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        using var prometheus = Process.Start(psi)!;
        prometheus.BeginOutputReadLine();
        prometheus.BeginErrorReadLine();
        try
        {
            // Our relay's own view of the consensus, through Prometheus: the Running flag is 1.
            double? running = null;
            var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(90);
            while (running != 1 && DateTimeOffset.UtcNow < deadline)
            {
                await Task.Delay(1000);
                running = await QueryAsync(http, webPort, "tor_relay_flag{type=\"Running\"}");
            }
            Assert.True(running == 1, $"Prometheus never saw tor_relay_flag{{type=\"Running\"}} == 1 (last: {running})");
            var cells = await QueryAsync(http, webPort, "sum(torrelay_cells_total)");
            Assert.True(cells > 0, "no cells counted");
        }
        finally
        {
            if (!prometheus.HasExited) prometheus.Kill(entireProcessTree: true);
            prometheus.WaitForExit(10_000);
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task<double?> QueryAsync(HttpClient http, int port, string query)
    {
        try
        {
            var json = await http.GetStringAsync($"http://127.0.0.1:{port}/api/v1/query?query={Uri.EscapeDataString(query)}");
            using var doc = JsonDocument.Parse(json);
            var result = doc.RootElement.GetProperty("data").GetProperty("result");
            if (result.GetArrayLength() == 0) return null;
            return double.Parse(result[0].GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture);
        }
        catch (HttpRequestException)
        {
            return null; // not listening yet
        }
    }

    /// <summary>
    /// promtool parses the exposition; the only complaints allowed are naming lints on names we keep for
    /// compatibility (C tor's tor_relay_circuits_total gauge, .NET runtime gauges ending in _count).
    /// </summary>
    private static async Task AssertPromtoolFindsNoErrorsAsync(string exposition)
    {
        var psi = new ProcessStartInfo("promtool", "check metrics")
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        using var p = Process.Start(psi)!;
        await p.StandardInput.WriteAsync(exposition);
        p.StandardInput.Close();
        string output = await p.StandardOutput.ReadToEndAsync() + await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        var complaints = output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(l => !l.StartsWith("tor_relay_circuits_total non-counter metrics should not have \"_total\"", StringComparison.Ordinal))
            .Where(l => !(l.StartsWith("dotnet_", StringComparison.Ordinal) && l.Contains("should not have \"_count\" suffix", StringComparison.Ordinal)))
            .ToList();
        Assert.True(complaints.Count == 0 && p.ExitCode is 0 or 3, $"promtool (exit {p.ExitCode}):\n{output}");
    }
}
