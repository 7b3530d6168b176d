using TorRelay.Directory.Policy;

namespace TorRelay.Host.Config;

/// <summary>
/// Checks torrc address-policy lines (ExitPolicy, MetricsPortPolicy) at load time with Directory's parser, the one
/// reading of tor's grammar (<see cref="PolicyRule.TryParseEntry"/>), so a bad entry is reported against its line.
/// Entries C tor would only warn about and ignore (accept6/reject6 with an IPv4 address or "private") are refused
/// here: a rule that silently does nothing is a configuration mistake.
/// </summary>
public static class PolicyRuleSyntax
{
    /// <summary>Splits a value at commas (skipping blanks) and validates each rule; returns them normalised.</summary>
    public static IReadOnlyList<string> ParseLine(ConfigLine line)
    {
        var rules = new List<string>();
        foreach (string entry in line.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!TryParseRule(entry, out string normalized, out string error))
                throw ConfigException.At(line, $"Invalid policy entry '{entry}': {error}");
            rules.Add(normalized);
        }
        return rules;
    }

    /// <summary>Validates one rule; <paramref name="normalized"/> is "keyword pattern" with single spacing.</summary>
    public static bool TryParseRule(string rule, out string normalized, out string error)
    {
        normalized = "";
        if (!PolicyRule.TryParseEntry(rule, out _, out error, out string ignored))
            return false;
        if (ignored.Length > 0)
        {
            error = "accept6/reject6 take IPv6 addresses only (use accept/reject); tor would warn and ignore this entry.";
            return false;
        }
        normalized = string.Join(' ', rule.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries));
        return true;
    }
}
