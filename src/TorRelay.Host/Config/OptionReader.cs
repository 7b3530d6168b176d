namespace TorRelay.Host.Config;

/// <summary>
/// Typed access to <see cref="OptionValues"/> with tor's defaults (and TestingTorNetwork's), after checking every
/// configured line against its type and, for options whose feature we lack, against the no-op values.
/// </summary>
public sealed class OptionReader
{
    private readonly OptionValues _values;
    private readonly bool _testing;

    public OptionReader(OptionValues values)
    {
        _values = values;
        foreach (var (def, line) in values.All())
            Validate(def, line);
        _testing = Bool("TestingTorNetwork");
    }

    public OptionValues Values => _values;

    /// <summary>The line that set an option, or null when it has its default.</summary>
    public ConfigLine? Line(string name) => _values.Single(name);

    public IReadOnlyList<ConfigLine> List(string name) => _values.List(name);

    public bool IsSet(string name) => _values.IsSet(name);

    public string? String(string name) => _values.Single(name)?.Value ?? Default(name);

    public bool Bool(string name)
    {
        ValueParsers.TryParseBool(String(name)!, out bool v, out _);
        return v;
    }

    public bool? AutoBool(string name)
    {
        ValueParsers.TryParseAutoBool(String(name)!, out bool? v, out _);
        return v;
    }

    public int PosInt(string name)
    {
        ValueParsers.TryParsePosInt(String(name)!, out int v, out _);
        return v;
    }

    public ulong MemUnit(string name)
    {
        ConfigUnits.TryParseMemUnit(String(name)!, out ulong v, out _);
        return v;
    }

    public TimeSpan Interval(string name)
    {
        ConfigUnits.TryParseInterval(String(name)!, out TimeSpan v, out _);
        return v;
    }

    public TimeSpan MsecInterval(string name)
    {
        ConfigUnits.TryParseMsecInterval(String(name)!, out TimeSpan v, out _);
        return v;
    }

    private string? Default(string name)
    {
        OptionDefinition def = OptionTable.Options[name];
        return _testing && def.TestingDefault is not null ? def.TestingDefault : def.Default;
    }

    private static void Validate(OptionDefinition def, ConfigLine line)
    {
        string v = line.Value;
        string error = "";
        string normalized = v;
        bool ok = true;
        switch (def.Type)
        {
            case OptionType.Bool:
                ok = ValueParsers.TryParseBool(v, out _, out error);
                break;
            case OptionType.AutoBool:
                ok = ValueParsers.TryParseAutoBool(v, out _, out error);
                break;
            case OptionType.PosInt:
                ok = ValueParsers.TryParsePosInt(v, out _, out error);
                break;
            case OptionType.MemUnit:
                ok = ConfigUnits.TryParseMemUnit(v, out ulong bytes, out error);
                normalized = bytes.ToString(System.Globalization.CultureInfo.InvariantCulture);
                break;
            case OptionType.Interval:
                ok = ConfigUnits.TryParseInterval(v, out _, out error);
                break;
            case OptionType.MsecInterval:
                ok = ConfigUnits.TryParseMsecInterval(v, out _, out error);
                break;
            case OptionType.Port:
                normalized = v.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "";
                break;
        }
        if (!ok)
            throw ConfigException.At(line, $"Could not parse {def.Name}: {error}");
        if (def.Allowed is { } allowed && !allowed.Contains(normalized, StringComparer.OrdinalIgnoreCase))
        {
            string only = string.Join(" or ", allowed.Select(a => $"'{def.Name} {a}'"));
            throw ConfigException.At(line, $"{def.Name} {v}: torrelay {def.Unsupported}; only {only} is accepted.");
        }
    }
}
