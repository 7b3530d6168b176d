namespace TorRelay.Host.Config;

/// <summary>
/// The effective lines of every option after merging tor's configuration domains, lowest priority first:
/// built-in defaults, the defaults torrc, the torrc, the command line (doc/torrc_format.txt §2, confmgt.c).
/// In a new domain a list is replaced unless its first line is <c>+Option</c>; <c>/Option</c> clears it; a singleton
/// keeps its last value and an empty value resets it to its default.
/// </summary>
public sealed class OptionValues
{
    private readonly Dictionary<string, List<ConfigLine>> _lines = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _warnings = [];

    private OptionValues()
    {
    }

    /// <summary>Warnings tor would log while assigning (repeated singletons, empty list values).</summary>
    public IReadOnlyList<string> Warnings => _warnings;

    /// <summary>Merges the domains; each is a list of lines, the last one being the command line if any.</summary>
    /// <exception cref="ConfigException">An unknown or unsupported option, naming its line.</exception>
    public static OptionValues Assign(IEnumerable<(IReadOnlyList<ConfigLine> Lines, bool IsCommandLine)> domains)
    {
        var values = new OptionValues();
        var fragile = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (lines, isCommandLine) in domains)
        {
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (ConfigLine line in lines)
                values.AssignLine(line, OptionTable.Find(line, isCommandLine), seen, fragile);
            // Like config_mark_lists_fragile: the next domain replaces these lists unless it appends.
            foreach (string name in values._lines.Keys)
                fragile.Add(name);
        }
        return values;
    }

    private void AssignLine(ConfigLine line, OptionDefinition def, HashSet<string> seen, HashSet<string> fragile)
    {
        string name = def.Name;
        if (line.Value.Length == 0)
        {
            if (def.IsList && line.Command != ConfigLineCommand.Clear)
            {
                _warnings.Add($"{line.Source}:{line.Line}: Linelist option '{name}' has no value. Skipping.");
                return;
            }
            _lines.Remove(name); // back to the default (an empty list for lists)
            fragile.Remove(name);
            return;
        }

        if (!def.IsList)
        {
            if (!seen.Add(name))
            {
                _warnings.Add($"{line.Source}:{line.Line}: Option '{name}' used more than once; all but the last " +
                              "value will be ignored.");
            }
            _lines[name] = [line];
            return;
        }

        seen.Add(name);
        if (fragile.Remove(name) && line.Command != ConfigLineCommand.Append)
            _lines.Remove(name);
        if (!_lines.TryGetValue(name, out List<ConfigLine>? list))
            _lines[name] = list = [];
        list.Add(line);
    }

    /// <summary>True when the option has a configured (non-default) value.</summary>
    public bool IsSet(string name) => _lines.ContainsKey(name);

    /// <summary>The line that set a singleton, or null when it has its default.</summary>
    public ConfigLine? Single(string name) => _lines.TryGetValue(name, out var l) ? l[^1] : null;

    /// <summary>All lines of a list option (empty when unset).</summary>
    public IReadOnlyList<ConfigLine> List(string name) => _lines.TryGetValue(name, out var l) ? l : [];

    /// <summary>Every configured line, in option-table order, for generic validation.</summary>
    public IEnumerable<(OptionDefinition Definition, ConfigLine Line)> All() =>
        _lines.SelectMany(kv => kv.Value.Select(l => (OptionTable.Options[kv.Key], l)));
}
