namespace TorRelay.Metrics.Exposition;

/// <summary>
/// Metric and label name rules of the Prometheus data model: metric names match
/// <c>[a-zA-Z_:][a-zA-Z0-9_:]*</c>, label names <c>[a-zA-Z_][a-zA-Z0-9_]*</c> and names starting
/// with "__" are reserved. Anything else becomes '_' so an instrument name is never dropped.
/// </summary>
internal static class PrometheusNames
{
    private const string TotalSuffix = "_total";

    /// <summary>The instrument name as given, with invalid characters replaced (no unit appended).</summary>
    public static string SanitizeMetricName(string name) => Sanitize(name, allowColon: true);

    /// <summary>Counter family name: the sanitised name with "_total" unless it already ends in it.</summary>
    public static string CounterName(string name)
    {
        string sanitized = SanitizeMetricName(name);
        return sanitized.EndsWith(TotalSuffix, StringComparison.Ordinal) ? sanitized : sanitized + TotalSuffix;
    }

    /// <summary>Label name from a tag key; leading "__" (reserved) is cut to a single '_'.</summary>
    public static string SanitizeLabelName(string key)
    {
        string s = Sanitize(key, allowColon: false);
        if (s.StartsWith("__", StringComparison.Ordinal))
            s = "_" + s.TrimStart('_');
        return s;
    }

    private static string Sanitize(string name, bool allowColon)
    {
        if (name.Length == 0)
            return "_";
        bool valid = !char.IsAsciiDigit(name[0]);
        foreach (char c in name)
            valid &= IsNameChar(c, allowColon);
        if (valid)
            return name;

        return string.Create(name.Length + (char.IsAsciiDigit(name[0]) ? 1 : 0), (name, allowColon), static (dst, st) =>
        {
            int o = 0;
            if (char.IsAsciiDigit(st.name[0]))
                dst[o++] = '_';
            foreach (char c in st.name)
                dst[o++] = IsNameChar(c, st.allowColon) ? c : '_';
        });
    }

    private static bool IsNameChar(char c, bool allowColon) =>
        char.IsAsciiLetterOrDigit(c) || c == '_' || (allowColon && c == ':');
}
