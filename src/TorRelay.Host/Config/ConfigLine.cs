namespace TorRelay.Host.Config;

/// <summary>One torrc entry with where it came from, so every later error can name file and line.</summary>
/// <param name="Key">The keyword as written (without a <c>+</c>/<c>/</c> prefix); case-insensitive.</param>
/// <param name="Value">The decoded value (continuations joined, quotes decoded, surrounding space trimmed).</param>
/// <param name="Source">File path as given, or "command line".</param>
/// <param name="Line">1-based line of the keyword; for the command line, the argument index.</param>
public sealed record ConfigLine(string Key, string Value, string Source, int Line,
    ConfigLineCommand Command = ConfigLineCommand.Normal)
{
    public override string ToString() => $"{Source}:{Line}: {Key} {Value}";
}
