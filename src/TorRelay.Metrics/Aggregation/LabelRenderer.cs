using System.Diagnostics.Metrics;
using System.Text;
using TorRelay.Metrics.Exposition;

namespace TorRelay.Metrics.Aggregation;

/// <summary>
/// Turns a series' tags into the label list: meter and instrument tags first as constants, overridden
/// by measurement tags; names sanitised (first occurrence wins after sanitising) and sorted.
/// </summary>
internal static class LabelRenderer
{
    public static string Render(Instrument instrument, TagSet tags, bool isHistogram)
    {
        var labels = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (KeyValuePair<string, object?> tag in tags.Tags)
            Add(labels, tag, isHistogram);
        if (instrument.Tags is { } instrumentTags)
        {
            foreach (KeyValuePair<string, object?> tag in instrumentTags)
                Add(labels, tag, isHistogram);
        }
        if (instrument.Meter.Tags is { } meterTags)
        {
            foreach (KeyValuePair<string, object?> tag in meterTags)
                Add(labels, tag, isHistogram);
        }

        var sb = new StringBuilder();
        foreach ((string name, string value) in labels)
        {
            if (sb.Length > 0)
                sb.Append(',');
            sb.Append(name).Append("=\"");
            TextFormat.AppendLabelValue(sb, value);
            sb.Append('"');
        }
        return sb.ToString();
    }

    private static void Add(SortedDictionary<string, string> labels, KeyValuePair<string, object?> tag, bool isHistogram)
    {
        string name = PrometheusNames.SanitizeLabelName(tag.Key);
        if (isHistogram && name == "le")
            name = "_le"; // "le" is the bucket label
        labels.TryAdd(name, TextFormat.FormatTagValue(tag.Value));
    }
}
