namespace TorRelay.Host.Config;

/// <summary>
/// A configuration error. Like tor's "Failed to parse/validate config" messages, but always naming where the
/// offending value came from (<c>relay.conf:12: Unknown option 'Foo'</c>) so an operator can fix it.
/// </summary>
public sealed class ConfigException : Exception
{
    public ConfigException(string message)
        : base(message)
    {
        Detail = message;
    }

    public ConfigException(string? source, int line, string detail)
        : base(Format(source, line, detail))
    {
        Origin = source;
        Line = line;
        Detail = detail;
    }

    /// <summary>File (or "command line") the value came from; null for errors about the whole configuration.</summary>
    public string? Origin { get; }

    /// <summary>1-based line number; 0 when not tied to a line (a command-line argument or the whole set).</summary>
    public int Line { get; }

    /// <summary>The message without the location prefix.</summary>
    public string Detail { get; }

    public static ConfigException At(ConfigLine line, string detail) => new(line.Source, line.Line, detail);

    private static string Format(string? source, int line, string detail) =>
        source is null ? detail : line > 0 ? $"{source}:{line}: {detail}" : $"{source}: {detail}";
}
