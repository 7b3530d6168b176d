using System.Text.Json;
using System.Text.RegularExpressions;

namespace TorRelay.Metrics.Tests.Dashboard;

/// <summary>grafana/dashboards/torrelay.json (copied next to the tests), read as plain JSON.</summary>
internal sealed partial class GrafanaDashboard
{
    public const string DataSourceUid = "${DS_PROMETHEUS}";

    private GrafanaDashboard(JsonElement root) => Root = root;

    public JsonElement Root { get; }

    public static GrafanaDashboard Load()
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Dashboard", "torrelay.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return new GrafanaDashboard(doc.RootElement.Clone());
    }

    /// <summary>Every panel that shows data: rows are only containers (their collapsed children are included).</summary>
    public IEnumerable<JsonElement> DataPanels()
    {
        foreach (var panel in Root.GetProperty("panels").EnumerateArray())
        {
            if (panel.GetProperty("type").GetString() != "row")
                yield return panel;
            else if (panel.TryGetProperty("panels", out var children))
                foreach (var child in children.EnumerateArray()) yield return child;
        }
    }

    public static string Title(JsonElement panel) => panel.GetProperty("title").GetString()!;

    public static IEnumerable<string> Expressions(JsonElement panel) =>
        panel.TryGetProperty("targets", out var targets)
            ? targets.EnumerateArray().Select(t => t.TryGetProperty("expr", out var e) ? e.GetString() ?? "" : "")
            : [];

    /// <summary>The metrics of label_values(metric, label) variable queries.</summary>
    public IEnumerable<string> VariableMetrics()
    {
        foreach (var variable in Root.GetProperty("templating").GetProperty("list").EnumerateArray())
        {
            if (variable.GetProperty("type").GetString() != "query") continue;
            var query = variable.GetProperty("query");
            string text = query.ValueKind == JsonValueKind.Object ? query.GetProperty("query").GetString()! : query.GetString()!;
            var m = LabelValues().Match(text);
            Assert.True(m.Success, $"variable query '{text}' is not label_values(metric, label)");
            yield return m.Groups[1].Value;
        }
    }

    [GeneratedRegex(@"^label_values\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(?:\{[^}]*\})?\s*,\s*[a-zA-Z_]\w*\s*\)$")]
    private static partial Regex LabelValues();
}
