using System.Text;

namespace TorRelay.Host.Config;

/// <summary>
/// Reads torrc files exactly as C tor does (lib/encoding/confline.c, doc/torrc_format.txt): keywords up to the
/// first space, values to the end of the line with trailing space and <c>#</c> comments removed, backslash-newline
/// continuations (with tor's odd rule that, once continued, a comment line also continues the value), C-style
/// quoted values, <c>+Key</c>/<c>/Key</c> magic, and <c>%include</c> of files, directories and globs.
/// </summary>
public static class TorrcParser
{
    /// <summary>tor's MAX_INCLUDE_RECURSION_LEVEL.</summary>
    public const int MaxIncludeRecursionLevel = 31;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Parses a file and everything it includes, in order.</summary>
    /// <exception cref="ConfigException">The file cannot be read or is malformed.</exception>
    public static IReadOnlyList<ConfigLine> ParseFile(string path)
    {
        var result = new List<ConfigLine>();
        ParseFileInto(path, result, recursionLevel: 1, includedFrom: null);
        return result;
    }

    /// <summary>Parses torrc text; <paramref name="sourceName"/> names it in errors. %include is honoured.</summary>
    public static IReadOnlyList<ConfigLine> ParseString(string text, string sourceName)
    {
        var result = new List<ConfigLine>();
        ParseTextInto(text, sourceName, result, recursionLevel: 1);
        return result;
    }

    private static void ParseFileInto(string path, List<ConfigLine> result, int recursionLevel, ConfigLine? includedFrom)
    {
        string text;
        try
        {
            text = StrictUtf8.GetString(File.ReadAllBytes(path));
        }
        catch (DecoderFallbackException)
        {
            throw new ConfigException(path, 0, "The file is not valid UTF-8.");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            string detail = $"Unable to read configuration file \"{path}\": {e.Message}";
            throw includedFrom is null ? new ConfigException(detail) : ConfigException.At(includedFrom, detail);
        }
        ParseTextInto(text, path, result, recursionLevel);
    }

    private static void ParseTextInto(string text, string source, List<ConfigLine> result, int recursionLevel)
    {
        if (recursionLevel > MaxIncludeRecursionLevel)
            throw new ConfigException(source, 0, $"More than {MaxIncludeRecursionLevel} nested %includes.");
        if (text.Contains('\0'))
            throw new ConfigException(source, 0, "The file contains a NUL character.");
        // tor opens configuration files in text mode and strips every CR (lib/fs/files.c).
        if (text.Contains('\r'))
            text = text.Replace("\r", "", StringComparison.Ordinal);

        var reader = new LineReader(text, source);
        while (reader.Next(out string? key, out string? value, out int line))
        {
            var command = ConfigLineCommand.Normal;
            if (key![0] == '+')
            {
                key = key[1..];
                command = ConfigLineCommand.Append;
            }
            else if (key[0] == '/')
            {
                key = key[1..];
                value = "";
                command = ConfigLineCommand.Clear;
            }
            var entry = new ConfigLine(key, value!, source, line, command);
            if (key == "%include")
            {
                if (command != ConfigLineCommand.Normal)
                    throw ConfigException.At(entry, "%include cannot take a '+' or '/' prefix.");
                Include(entry, result, recursionLevel);
            }
            else
            {
                if (key.Length == 0)
                    throw ConfigException.At(entry, "Missing option name after '+' or '/'.");
                result.Add(entry);
            }
        }
    }

    /// <summary>As tor's config_process_include: a glob, file or directory (its non-dot files, sorted).</summary>
    private static void Include(ConfigLine entry, List<ConfigLine> result, int recursionLevel)
    {
        string pattern = entry.Value;
        if (pattern.Length == 0)
            throw ConfigException.At(entry, "%include needs a file or directory.");
        foreach (string path in IncludeGlob.Expand(pattern))
        {
            if (File.Exists(path))
            {
                ParseFileInto(path, result, recursionLevel + 1, entry);
            }
            else if (System.IO.Directory.Exists(path))
            {
                var files = System.IO.Directory.GetFileSystemEntries(path)
                    .Where(f => !Path.GetFileName(f).StartsWith('.') && File.Exists(f))
                    .Order(StringComparer.Ordinal);
                foreach (string file in files)
                    ParseFileInto(file, result, recursionLevel + 1, entry);
            }
            else
            {
                throw ConfigException.At(entry,
                    $"Error reading included configuration file or directory: \"{path}\".");
            }
        }
    }

    /// <summary>Decodes a C-style quoted string as tor's unescape_string; returns the index after the closing quote.</summary>
    internal static bool TryUnescape(string s, int start, out string value, out int end)
    {
        var sb = new StringBuilder();
        value = "";
        end = start;
        int i = start + 1;
        while (true)
        {
            if (i >= s.Length || s[i] == '\n')
                return false;
            char c = s[i];
            if (c == '"')
                break;
            if (c != '\\')
            {
                sb.Append(c);
                i++;
                continue;
            }
            char n = i + 1 < s.Length ? s[i + 1] : '\0';
            switch (n)
            {
                case 'n': sb.Append('\n'); i += 2; break;
                case 'r': sb.Append('\r'); i += 2; break;
                case 't': sb.Append('\t'); i += 2; break;
                case '"' or '\\' or '\'': sb.Append(n); i += 2; break;
                case 'x' or 'X':
                    if (i + 3 >= s.Length || !Uri.IsHexDigit(s[i + 2]) || !Uri.IsHexDigit(s[i + 3]))
                        return false;
                    sb.Append((char)Convert.ToByte(s.Substring(i + 2, 2), 16));
                    i += 4;
                    break;
                case >= '0' and <= '7':
                    int v = n - '0';
                    i += 2;
                    for (int k = 0; k < 2 && i < s.Length && s[i] is >= '0' and <= '7'; k++, i++)
                        v = v * 8 + (s[i] - '0');
                    if (v > 255)
                        return false;
                    sb.Append((char)v);
                    break;
                default:
                    return false;
            }
        }
        value = sb.ToString();
        end = i + 1;
        return true;
    }

    /// <summary>A port of parse_config_line_from_str_verbose that also tracks line numbers.</summary>
    private sealed class LineReader(string s, string source)
    {
        private int _pos;
        private int _lineStart;   // position up to which _line has been counted
        private int _line = 1;

        public bool Next(out string? key, out string? value, out int line)
        {
            key = value = null;
            line = 0;
            {
                // Skip until the first keyword.
                while (true)
                {
                    while (_pos < s.Length && IsSpace(s[_pos]))
                        _pos++;
                    if (_pos < s.Length && s[_pos] == '#')
                    {
                        while (_pos < s.Length && s[_pos] != '\n')
                            _pos++;
                    }
                    else
                    {
                        break;
                    }
                }
                if (_pos >= s.Length)
                    return false;

                line = LineAt(_pos);
                int keyStart = _pos;
                while (_pos < s.Length && !IsSpace(s[_pos]) && s[_pos] != '#' && !IsContinuation(_pos))
                    _pos++;
                key = s[keyStart.._pos];

                // tor skips a continuation directly after the key only through the value scan below.
                while (_pos < s.Length && (s[_pos] == ' ' || s[_pos] == '\t'))
                    _pos++;
                int valStart = _pos;

                if (_pos < s.Length && s[_pos] == '"')
                {
                    if (!TryUnescape(s, _pos, out string decoded, out int end))
                        throw new ConfigException(source, LineAt(_pos), "Invalid escape sequence in quoted string");
                    _pos = end;
                    while (_pos < s.Length && (s[_pos] == ' ' || s[_pos] == '\t'))
                        _pos++;
                    if (_pos < s.Length && s[_pos] != '#' && s[_pos] != '\n')
                        throw new ConfigException(source, LineAt(_pos), "Excess data after quoted string");
                    value = decoded;
                }
                else
                {
                    bool continuation = false;
                    while (_pos < s.Length && s[_pos] != '\n' && (s[_pos] != '#' || continuation))
                    {
                        if (IsContinuation(_pos))
                        {
                            continuation = true;
                            _pos += 2;
                        }
                        else if (s[_pos] == '#')
                        {
                            while (_pos < s.Length && s[_pos] != '\n')
                                _pos++;
                            if (_pos < s.Length)
                                _pos++;
                        }
                        else
                        {
                            _pos++;
                        }
                    }
                    int cp = _pos;
                    if (_pos < s.Length && s[_pos] == '\n')
                        _pos++;
                    while (cp > valStart && IsSpace(s[cp - 1]))
                        cp--;
                    string raw = s[valStart..cp];
                    value = continuation ? StripContinuations(raw) : raw;
                }

                if (_pos < s.Length && s[_pos] == '#')
                {
                    while (_pos < s.Length && s[_pos] != '\n')
                        _pos++;
                }
                while (_pos < s.Length && IsSpace(s[_pos]))
                    _pos++;

                if (key.Length == 0)
                    throw new ConfigException(source, line, "Missing option name before a line continuation.");
                return true;
            }
        }

        private static string StripContinuations(string v)
        {
            var sb = new StringBuilder(v.Length);
            int i = 0;
            while (i < v.Length)
            {
                if (v[i] == '#')
                {
                    while (i < v.Length && v[i] != '\n')
                        i++;
                    if (i < v.Length)
                        i++;
                }
                else if (v[i] == '\\' && i + 1 < v.Length && v[i + 1] == '\n')
                {
                    i += 2;
                }
                else
                {
                    sb.Append(v[i++]);
                }
            }
            return sb.ToString();
        }

        private bool IsContinuation(int i) => s[i] == '\\' && i + 1 < s.Length && s[i + 1] == '\n';

        private int LineAt(int pos)
        {
            for (; _lineStart < pos; _lineStart++)
            {
                if (s[_lineStart] == '\n')
                    _line++;
            }
            return _line;
        }

        // TOR_ISSPACE: space, \t, \n, \v, \f, \r.
        private static bool IsSpace(char c) => c is ' ' or '\t' or '\n' or '\v' or '\f' or '\r';
    }
}
