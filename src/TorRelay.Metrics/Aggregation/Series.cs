namespace TorRelay.Metrics.Aggregation;

/// <summary>One label set of one instrument; subclasses hold the aggregated value.</summary>
internal abstract class Series(TagSet tags)
{
    public TagSet Tags { get; } = tags;

    /// <summary>Rendered, escaped label list (without braces); computed on the first scrape only.</summary>
    public string? RenderedLabels { get; set; }
}
