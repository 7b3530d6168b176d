namespace TorRelay.Directory.Netdoc;

/// <summary>Checks a tokenized document against a rule table, and finds items by keyword.</summary>
public static class NetdocRules
{
    public static bool TryCheck(IReadOnlyList<NetdocItem> items, IReadOnlyList<NetdocRule> rules, out string? error)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var byKeyword = new Dictionary<string, NetdocRule>(StringComparer.Ordinal);
        foreach (NetdocRule r in rules) byKeyword[r.Keyword] = r;

        foreach (NetdocItem item in items)
        {
            if (!byKeyword.TryGetValue(item.Keyword, out NetdocRule? rule)) continue;
            counts[item.Keyword] = counts.GetValueOrDefault(item.Keyword) + 1;
            if (item.Arguments.Count < rule.MinArgs)
            {
                error = $"'{item.Keyword}' needs at least {rule.MinArgs} arguments";
                return false;
            }

            if (rule.Object == ObjectRule.Required && item.Object is null)
            {
                error = $"'{item.Keyword}' needs an object";
                return false;
            }

            if (rule.Object == ObjectRule.Forbidden && item.Object is not null)
            {
                error = $"'{item.Keyword}' must not carry an object";
                return false;
            }
        }

        foreach (NetdocRule r in rules)
        {
            int n = counts.GetValueOrDefault(r.Keyword);
            if (n < r.MinCount)
            {
                error = $"missing '{r.Keyword}'";
                return false;
            }

            if (n > r.MaxCount)
            {
                error = $"too many '{r.Keyword}' items";
                return false;
            }
        }

        error = null;
        return true;
    }

    public static NetdocItem? Find(this IReadOnlyList<NetdocItem> items, string keyword)
    {
        foreach (NetdocItem i in items)
        {
            if (i.Keyword == keyword) return i;
        }

        return null;
    }

    public static IEnumerable<NetdocItem> FindAll(this IReadOnlyList<NetdocItem> items, string keyword)
    {
        foreach (NetdocItem i in items)
        {
            if (i.Keyword == keyword) yield return i;
        }
    }

    public static int IndexOf(this IReadOnlyList<NetdocItem> items, NetdocItem item)
    {
        for (int i = 0; i < items.Count; i++)
        {
            if (ReferenceEquals(items[i], item)) return i;
        }

        return -1;
    }
}
