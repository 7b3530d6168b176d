namespace TorRelay.Host.Config;

/// <summary>
/// Expands a <c>%include</c> pattern as tor's tor_glob: <c>*</c>, <c>?</c> and <c>[...]</c> may appear in any path
/// component; matches are sorted. A pattern without glob characters is returned as is (it need not exist yet, so
/// the caller reports a missing file against the %include line).
/// </summary>
internal static class IncludeGlob
{
    public static IReadOnlyList<string> Expand(string pattern)
    {
        if (pattern.IndexOfAny(['*', '?', '[']) < 0)
            return [pattern];

        bool absolute = pattern.StartsWith('/');
        string[] parts = pattern.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var current = new List<string> { absolute ? "/" : "" };
        foreach (string part in parts)
        {
            var next = new List<string>();
            foreach (string dir in current)
            {
                if (part.IndexOfAny(['*', '?', '[']) < 0)
                {
                    next.Add(Path.Join(dir, part));
                    continue;
                }
                string listDir = dir.Length == 0 ? "." : dir;
                if (!System.IO.Directory.Exists(listDir))
                    continue;
                foreach (string entry in System.IO.Directory.GetFileSystemEntries(listDir))
                {
                    string name = Path.GetFileName(entry);
                    // fnmatch without FNM_PERIOD would match dot files, but glob(3) hides them unless asked.
                    if (name.StartsWith('.') && !part.StartsWith('.'))
                        continue;
                    if (Matches(part, 0, name, 0))
                        next.Add(Path.Join(dir, name));
                }
            }
            current = next;
        }
        // Keep only paths that exist: a glob that matches nothing includes nothing, as in tor.
        return current.Where(p => File.Exists(p) || System.IO.Directory.Exists(p))
            .Order(StringComparer.Ordinal).ToList();
    }

    private static bool Matches(string pat, int pi, string name, int ni)
    {
        while (pi < pat.Length)
        {
            char c = pat[pi];
            if (c == '*')
            {
                for (int k = ni; k <= name.Length; k++)
                {
                    if (Matches(pat, pi + 1, name, k))
                        return true;
                }
                return false;
            }
            if (ni >= name.Length)
                return false;
            if (c == '?')
            {
                pi++;
                ni++;
                continue;
            }
            if (c == '[')
            {
                int close = pat.IndexOf(']', pi + 2);
                if (close < 0)
                {
                    if (name[ni] != '[')
                        return false;
                    pi++;
                    ni++;
                    continue;
                }
                string set = pat[(pi + 1)..close];
                bool negate = set.Length > 0 && (set[0] == '!' || set[0] == '^');
                if (negate)
                    set = set[1..];
                bool hit = false;
                for (int k = 0; k < set.Length; k++)
                {
                    if (k + 2 < set.Length && set[k + 1] == '-')
                    {
                        hit |= name[ni] >= set[k] && name[ni] <= set[k + 2];
                        k += 2;
                    }
                    else
                    {
                        hit |= name[ni] == set[k];
                    }
                }
                if (hit == negate)
                    return false;
                pi = close + 1;
                ni++;
                continue;
            }
            if (c != name[ni])
                return false;
            pi++;
            ni++;
        }
        return ni == name.Length;
    }
}
