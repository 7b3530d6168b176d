using System.Globalization;
using System.Text;
using TorRelay.Metrics.Aggregation;

namespace TorRelay.Metrics.Exposition;

/// <summary>
/// Writes families in the text exposition format 0.0.4. Families come in name order; series are
/// sorted by their label list so the output is deterministic, and series whose rendered labels
/// coincide (tags that differ only before sanitising) are merged rather than repeated.
/// </summary>
internal static class ExpositionWriter
{
    public static void Write(StringBuilder sb, IEnumerable<MetricFamily> families)
    {
        foreach (MetricFamily family in families)
        {
            List<SeriesSnapshot> series = Merge(family);
            if (series.Count == 0)
                continue;
            sb.Append("# HELP ").Append(family.Name).Append(' ');
            TextFormat.AppendHelp(sb, family.Help);
            sb.Append("\n# TYPE ").Append(family.Name).Append(' ').Append(TypeName(family.Type)).Append('\n');
            foreach (SeriesSnapshot s in series)
            {
                if (family.Type == MetricType.Histogram)
                    WriteHistogram(sb, family.Name, s);
                else
                    WriteScalar(sb, family.Name, s);
            }
        }
    }

    private static string TypeName(MetricType type) => type switch
    {
        MetricType.Counter => "counter",
        MetricType.Gauge => "gauge",
        _ => "histogram",
    };

    private static void WriteScalar(StringBuilder sb, string name, SeriesSnapshot s)
    {
        sb.Append(name);
        if (s.Labels.Length > 0)
            sb.Append('{').Append(s.Labels).Append('}');
        sb.Append(' ');
        if (s.Value == 0)
            TextFormat.AppendValue(sb, s.IntegerPart);
        else
            TextFormat.AppendValue(sb, s.IntegerPart + s.Value);
        sb.Append('\n');
    }

    private static void WriteHistogram(StringBuilder sb, string name, SeriesSnapshot s)
    {
        double[] bounds = s.Bounds!;
        long[] counts = s.BucketCounts!;
        string prefix = s.Labels.Length > 0 ? s.Labels + "," : "";
        long cumulative = 0;
        for (int i = 0; i <= bounds.Length; i++)
        {
            cumulative += counts[i];
            sb.Append(name).Append("_bucket{").Append(prefix).Append("le=\"");
            if (i < bounds.Length)
                TextFormat.AppendValue(sb, bounds[i]);
            else
                sb.Append("+Inf");
            sb.Append("\"} ").Append(cumulative.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }
        string labels = s.Labels.Length > 0 ? "{" + s.Labels + "}" : "";
        sb.Append(name).Append("_sum").Append(labels).Append(' ');
        TextFormat.AppendValue(sb, s.Sum);
        sb.Append('\n');
        // _count is the +Inf bucket, so the two agree even while measurements race the scrape.
        sb.Append(name).Append("_count").Append(labels).Append(' ').Append(cumulative.ToString(CultureInfo.InvariantCulture)).Append('\n');
    }

    private static List<SeriesSnapshot> Merge(MetricFamily family)
    {
        List<SeriesSnapshot> sorted = [.. family.Series];
        sorted.Sort(static (a, b) => string.CompareOrdinal(a.Labels, b.Labels));
        var merged = new List<SeriesSnapshot>(sorted.Count);
        foreach (SeriesSnapshot s in sorted)
        {
            if (merged.Count > 0 && merged[^1].Labels == s.Labels)
                Combine(family.Type, merged[^1], s);
            else
                merged.Add(s);
        }
        return merged;
    }

    /// <summary>Sums counters and histograms with equal bounds; a gauge keeps the first value.</summary>
    private static void Combine(MetricType type, SeriesSnapshot into, SeriesSnapshot other)
    {
        if (type == MetricType.Counter)
        {
            into.IntegerPart += other.IntegerPart;
            into.Value += other.Value;
        }
        else if (type == MetricType.Histogram && into.Bounds!.AsSpan().SequenceEqual(other.Bounds))
        {
            long[] counts = (long[])into.BucketCounts!.Clone();
            for (int i = 0; i < counts.Length; i++)
                counts[i] += other.BucketCounts![i];
            into.BucketCounts = counts;
            into.Sum += other.Sum;
        }
    }
}
