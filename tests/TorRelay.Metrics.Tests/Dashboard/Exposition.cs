using System.Text.RegularExpressions;

namespace TorRelay.Metrics.Tests.Dashboard;

/// <summary>The samples and # TYPE lines of a text exposition; labels as a sorted "k=v,..." string.</summary>
internal sealed partial class Exposition
{
    private Exposition(HashSet<(string Name, string Labels)> samples, Dictionary<string, string> types)
    {
        Samples = samples;
        Types = types;
    }

    public IReadOnlySet<(string Name, string Labels)> Samples { get; }

    /// <summary>Family name → counter, gauge, histogram ...</summary>
    public IReadOnlyDictionary<string, string> Types { get; }

    public IReadOnlySet<string> SampleNames => Samples.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);

    public static Exposition Parse(string text)
    {
        var samples = new HashSet<(string, string)>();
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                string[] parts = line.Split(' ');
                types[parts[2]] = parts[3];
                continue;
            }
            if (line.StartsWith('#')) continue;
            var m = Sample().Match(line);
            Assert.True(m.Success, $"unparseable sample line: {line}");
            var labels = Label().Matches(m.Groups["labels"].Value)
                .Select(l => l.Groups[1].Value + "=" + l.Groups[2].Value)
                .Order(StringComparer.Ordinal);
            samples.Add((m.Groups["name"].Value, string.Join(",", labels)));
        }
        return new Exposition(samples, types);
    }

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(?<labels>.*)\})?\s+\S+")]
    private static partial Regex Sample();

    [GeneratedRegex("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"")]
    private static partial Regex Label();
}
