using TorRelay.Metrics.Aggregation;

namespace TorRelay.Metrics.Exposition;

/// <summary>One metric family of a scrape: a single HELP and TYPE followed by all its series.</summary>
internal sealed class MetricFamily(string name, string help, MetricType type)
{
    public string Name { get; } = name;

    public string Help { get; } = help;

    public MetricType Type { get; } = type;

    public List<SeriesSnapshot> Series { get; } = [];
}
