namespace TorRelay.Metrics.Aggregation;

/// <summary>A series' values at scrape time, ready for the text writer.</summary>
internal sealed class SeriesSnapshot
{
    /// <summary>Escaped label list without braces, e.g. <c>type="ntor",action="processed"</c>.</summary>
    public required string Labels { get; init; }

    /// <summary>Counter or gauge value (integral measurements sum exactly in <see cref="IntegerPart"/>).</summary>
    public double Value { get; set; }

    public long IntegerPart { get; set; }

    /// <summary>Histogram: upper bounds (without +Inf) and per-bucket (not cumulative) counts, the last for +Inf.</summary>
    public double[]? Bounds { get; init; }

    public long[]? BucketCounts { get; set; }

    public double Sum { get; set; }
}
