using System.Globalization;
using System.Text;

namespace TorRelay.Metrics.Exposition;

/// <summary>Escaping and number formatting of the Prometheus text exposition format 0.0.4.</summary>
internal static class TextFormat
{
    /// <summary>The Content-Type of a 0.0.4 text exposition.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>HELP text: backslash and line feed are escaped (quotes are not, per the format).</summary>
    public static void AppendHelp(StringBuilder sb, string help)
    {
        foreach (char c in help)
        {
            switch (c)
            {
                case '\\': sb.Append(@"\\"); break;
                case '\n': sb.Append(@"\n"); break;
                default: sb.Append(c); break;
            }
        }
    }

    /// <summary>Label value: backslash, double quote and line feed are escaped.</summary>
    public static void AppendLabelValue(StringBuilder sb, string value)
    {
        foreach (char c in value)
        {
            switch (c)
            {
                case '\\': sb.Append(@"\\"); break;
                case '"': sb.Append("\\\""); break;
                case '\n': sb.Append(@"\n"); break;
                default: sb.Append(c); break;
            }
        }
    }

    /// <summary>A sample value as Go's ParseFloat reads it: +Inf, -Inf, NaN, integers without exponent.</summary>
    public static void AppendValue(StringBuilder sb, double v)
    {
        if (double.IsNaN(v))
            sb.Append("NaN");
        else if (double.IsPositiveInfinity(v))
            sb.Append("+Inf");
        else if (double.IsNegativeInfinity(v))
            sb.Append("-Inf");
        else if (v == Math.Floor(v) && Math.Abs(v) < 1e15)
            sb.Append(((long)v).ToString(CultureInfo.InvariantCulture));
        else
            sb.Append(v.ToString("R", CultureInfo.InvariantCulture));
    }

    public static void AppendValue(StringBuilder sb, long v) => sb.Append(v.ToString(CultureInfo.InvariantCulture));

    /// <summary>Tag values become label values: strings as they are, numbers and dates invariant.</summary>
    public static string FormatTagValue(object? value) => value switch
    {
        null => "",
        string s => s,
        bool b => b ? "true" : "false",
        double d => FormatDouble(d),
        float f => FormatDouble(f),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string FormatDouble(double d)
    {
        var sb = new StringBuilder();
        AppendValue(sb, d);
        return sb.ToString();
    }
}
