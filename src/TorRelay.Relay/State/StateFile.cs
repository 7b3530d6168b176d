using System.Globalization;
using System.Text;

namespace TorRelay.Relay.State;

/// <summary>
/// The contents of DataDirectory/state as C tor's statefile.c reads and writes them: "Key value" lines, comments
/// starting with '#'. Every line is kept, known or not, so a C tor state file survives a round trip (C tor keeps
/// keys it does not know in ExtraLines the same way). Not thread-safe.
/// </summary>
public sealed class StateFile
{
    private readonly List<(string Key, string Value)> _lines = [];

    /// <summary>The lines, in file order.</summary>
    public IReadOnlyList<(string Key, string Value)> Lines => _lines;

    /// <summary>The value of the last line with <paramref name="key"/> (as config_assign keeps the last), or null.</summary>
    public string? Get(string key)
    {
        for (int i = _lines.Count - 1; i >= 0; i--)
            if (string.Equals(_lines[i].Key, key, StringComparison.OrdinalIgnoreCase)) return _lines[i].Value;
        return null;
    }

    /// <summary>Replaces every line with <paramref name="key"/> by one, where the first stood (or at the end).</summary>
    public void Set(string key, string value)
    {
        int at = _lines.FindIndex(l => string.Equals(l.Key, key, StringComparison.OrdinalIgnoreCase));
        if (at < 0)
        {
            _lines.Add((key, value));
            return;
        }
        _lines[at] = (key, value);
        for (int i = _lines.Count - 1; i > at; i--)
            if (string.Equals(_lines[i].Key, key, StringComparison.OrdinalIgnoreCase)) _lines.RemoveAt(i);
    }

    /// <summary>
    /// config_get_lines plus config_assign's type checks for the keys whose types we know (ISOTIME and POSINT); a
    /// control character or a badly typed value makes the whole file unparseable, as in or_state_load.
    /// </summary>
    public static bool TryParse(string text, out StateFile state, out string error)
    {
        state = new StateFile();
        error = "";
        int number = 0;
        foreach (string raw in text.Split('\n'))
        {
            number++;
            string line = raw.TrimEnd('\r').Trim(' ', '\t');
            if (line.Length == 0 || line[0] == '#') continue;
            foreach (char c in line)
            {
                if (c < ' ' && c != '\t' || c == '\x7f')
                {
                    error = $"line {number}: control character";
                    return false;
                }
            }
            int space = line.IndexOfAny([' ', '\t']);
            string key = space < 0 ? line : line[..space];
            string value = space < 0 ? "" : line[(space + 1)..].Trim(' ', '\t');
            if (!StateKeys.IsValid(key, value))
            {
                error = $"line {number}: bad value for {key}";
                return false;
            }
            state._lines.Add((key, value));
        }
        return true;
    }

    /// <summary>
    /// or_state_save's text: the three header comments (the first in local time), a blank line, then every line sorted
    /// by key as config_dump orders them, with LastWritten and TorVersion set.
    /// </summary>
    public string Format(DateTimeOffset now, string torVersion)
    {
        Set(StateKeys.LastWritten, StateKeys.FormatTime(now));
        Set(StateKeys.TorVersion, torVersion);
        var text = new StringBuilder();
        text.Append("# Tor state file last generated on ")
            .Append(now.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture))
            .Append(" local time\n# Other times below are in UTC\n# You *do not* need to edit this file.\n\n");
        foreach (var (key, value) in _lines.OrderBy(l => l.Key, StringComparer.OrdinalIgnoreCase))
            text.Append(key).Append(' ').Append(value).Append('\n');
        return text.ToString();
    }
}
