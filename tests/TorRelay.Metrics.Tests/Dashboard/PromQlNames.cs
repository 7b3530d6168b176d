using System.Collections.Frozen;
using System.Text.RegularExpressions;

namespace TorRelay.Metrics.Tests.Dashboard;

/// <summary>
/// The metric names a PromQL expression reads: identifiers that are not functions, keywords, label names (in
/// matchers or grouping lists), strings, durations or Grafana variables.
/// </summary>
internal static partial class PromQlNames
{
    private static readonly FrozenSet<string> Keywords = FrozenSet.ToFrozenSet(
        ["by", "without", "on", "ignoring", "group_left", "group_right", "offset", "bool", "and", "or", "unless", "inf", "nan"],
        StringComparer.OrdinalIgnoreCase);

    public static IReadOnlySet<string> Of(string expr)
    {
        string s = StringLiteral().Replace(expr, " ");
        s = Braces().Replace(s, " ");
        s = Brackets().Replace(s, " ");
        s = Grouping().Replace(s, " ");
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (Match m in Identifier().Matches(s))
        {
            bool isCall = m.Groups["call"].Success;
            if (!isCall && !Keywords.Contains(m.Groups["name"].Value)) names.Add(m.Groups["name"].Value);
        }
        return names;
    }

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`")]
    private static partial Regex StringLiteral();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Braces();

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex Brackets();

    [GeneratedRegex(@"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", RegexOptions.IgnoreCase)]
    private static partial Regex Grouping();

    /// <summary>Not preceded by a word character, '.' or '$' (numbers like 1e3, variables like $instance).</summary>
    [GeneratedRegex(@"(?<![\w.$])(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?<call>\s*\()?")]
    private static partial Regex Identifier();
}
