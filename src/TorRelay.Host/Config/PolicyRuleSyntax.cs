using TorRelay.Directory.Policy;

namespace TorRelay.Host.Config;

/// <summary>
/// Checks torrc address-policy lines (ExitPolicy, MetricsPortPolicy) at load time with Directory's parser, the one
/// reading of tor's grammar (<see cref="PolicyRule.TryParseEntry"/>), so a bad entry is reported against its line.
/// Entries C tor only warns about and ignores (accept6/reject6 with an IPv4 address or "private") are ignored with
/// C tor's warning, naming the line, so a torrc that tor accepts loads unchanged.
/// </summary>
public static class PolicyRuleSyntax
{
    /// <summary>
    /// Splits a value at commas (skipping blanks) and validates each rule; returns them normalised, without the
    /// entries tor ignores (their warnings go to <paramref name="warnings"/>).
    /// </summary>
    public static IReadOnlyList<string> ParseLine(ConfigLine line, ICollection<string>? warnings = null)
    {
        var rules = new List<string>();
        foreach (string entry in line.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!TryParseRule(entry, out string normalized, out string error, out string ignored))
                throw ConfigException.At(line, $"Invalid policy entry '{entry}': {error}");
            if (ignored.Length > 0) warnings?.Add(ConfigException.At(line, ignored).Message);
            else rules.Add(normalized);
        }
        return rules;
    }

    /// <summary>
    /// Validates one rule; <paramref name="normalized"/> is "keyword pattern" with single spacing, or empty with tor's
    /// warning in <paramref name="ignored"/> for an entry tor ignores.
    /// </summary>
    public static bool TryParseRule(string rule, out string normalized, out string error, out string ignored)
    {
        normalized = "";
        if (!PolicyRule.TryParseEntry(rule, out _, out error, out ignored))
            return false;
        if (ignored.Length == 0)
            normalized = string.Join(' ', rule.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries));
        return true;
    }
}
