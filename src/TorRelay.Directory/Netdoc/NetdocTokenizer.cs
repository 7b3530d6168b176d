namespace TorRelay.Directory.Netdoc;

/// <summary>
/// Splits a netdoc into items (dir-spec §1.2). Keywords are [A-Za-z0-9][A-Za-z0-9-]*, arguments are separated by
/// spaces or tabs, an "opt " prefix is dropped as C tor does, and blank lines are skipped. Never throws.
/// </summary>
public static class NetdocTokenizer
{
    /// <summary>Objects larger than this are refused (C tor's MAX_UNPARSED_OBJECT_SIZE is 128 KiB).</summary>
    public const int MaxObjectBytes = 128 * 1024;

    public static bool TryTokenize(string text, out IReadOnlyList<NetdocItem> items, out string? error)
        => TryTokenize(text, 0, text?.Length ?? 0, out items, out error);

    /// <summary>Tokenizes <paramref name="text"/>[start, end); offsets in the items are relative to the whole text.</summary>
    public static bool TryTokenize(string text, int start, int end, out IReadOnlyList<NetdocItem> items, out string? error)
    {
        var list = new List<NetdocItem>();
        items = list;
        error = null;
        if (text is null || start < 0 || end > text.Length || start > end)
        {
            error = "bad input range";
            return false;
        }

        int pos = start;
        int lineNo = 0;
        while (pos < end)
        {
            int lineStart = pos;
            string line = ReadLine(text, ref pos, end);
            lineNo++;
            if (line.Length == 0) continue;
            if (line.StartsWith("-----", StringComparison.Ordinal))
            {
                error = $"line {lineNo}: object without a keyword line";
                return false;
            }

            string body = line;
            if (body.StartsWith("opt ", StringComparison.Ordinal) || body.StartsWith("opt\t", StringComparison.Ordinal))
                body = body[4..].TrimStart(' ', '\t');

            int kwEnd = 0;
            while (kwEnd < body.Length && body[kwEnd] != ' ' && body[kwEnd] != '\t') kwEnd++;
            string keyword = body[..kwEnd];
            if (!IsKeyword(keyword))
            {
                error = $"line {lineNo}: bad keyword";
                return false;
            }

            string argText = body[kwEnd..].Trim(' ', '\t');
            string[] args = argText.Length == 0
                ? []
                : argText.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            foreach (string a in args)
            {
                foreach (char c in a)
                {
                    if (c < 0x20 && c != '\t' || c == 0x7f)
                    {
                        error = $"line {lineNo}: control character in arguments";
                        return false;
                    }
                }
            }

            NetdocObject? obj = null;
            if (pos < end && string.CompareOrdinal(text, pos, "-----BEGIN ", 0, 11) == 0)
            {
                if (!TryReadObject(text, ref pos, end, ref lineNo, out obj, out error)) return false;
            }

            list.Add(new NetdocItem(keyword, args, argText, obj, lineStart, pos));
        }

        return true;
    }

    private static bool TryReadObject(string text, ref int pos, int end, ref int lineNo, out NetdocObject? obj,
        out string? error)
    {
        obj = null;
        string begin = ReadLine(text, ref pos, end);
        lineNo++;
        if (!begin.EndsWith("-----", StringComparison.Ordinal) || begin.Length < 16)
        {
            error = $"line {lineNo}: malformed object begin line";
            return false;
        }

        string type = begin[11..^5];
        if (!IsObjectType(type))
        {
            error = $"line {lineNo}: bad object type";
            return false;
        }

        string endLine = "-----END " + type + "-----";
        var b64 = new System.Text.StringBuilder();
        while (true)
        {
            if (pos >= end)
            {
                error = $"object {type}: missing end line";
                return false;
            }

            string l = ReadLine(text, ref pos, end);
            lineNo++;
            if (l.StartsWith("-----", StringComparison.Ordinal))
            {
                if (l != endLine)
                {
                    error = $"line {lineNo}: object end line does not match {type}";
                    return false;
                }

                break;
            }

            b64.Append(l);
            if (b64.Length > MaxObjectBytes * 4 / 3 + 4)
            {
                error = $"object {type}: too large";
                return false;
            }
        }

        if (!NetdocFormat.TryDecodeBase64(b64.ToString(), out byte[] data))
        {
            error = $"object {type}: bad base64";
            return false;
        }

        obj = new NetdocObject(type, data);
        error = null;
        return true;
    }

    private static string ReadLine(string text, ref int pos, int end)
    {
        int nl = text.IndexOf('\n', pos, end - pos);
        string line;
        if (nl < 0)
        {
            line = text[pos..end];
            pos = end;
        }
        else
        {
            line = text[pos..nl];
            pos = nl + 1;
        }

        return line;
    }

    /// <summary>dir-spec §1.2: KeywordStart = A-Z a-z 0-9, KeywordChar adds '-'.</summary>
    public static bool IsKeyword(string s)
    {
        if (s.Length == 0 || s[0] == '-') return false;
        foreach (char c in s)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '-')) return false;
        }

        return true;
    }

    private static bool IsObjectType(string s)
    {
        if (s.Length == 0 || s[0] == ' ' || s[^1] == ' ') return false;
        foreach (char c in s)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '-' || c == ' ')) return false;
        }

        return true;
    }
}
