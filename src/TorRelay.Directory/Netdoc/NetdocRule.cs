namespace TorRelay.Directory.Netdoc;

/// <summary>Whether an item carries an object.</summary>
public enum ObjectRule
{
    Forbidden,
    Required,
    Optional,
}

/// <summary>
/// How often a keyword may appear and what it must carry, in the spirit of C tor's token tables (T1, T01, T0N, GE(n)).
/// Keywords without a rule are allowed and ignored, as dir-spec §1.2 asks.
/// </summary>
public sealed record NetdocRule(string Keyword, int MinCount, int MaxCount, int MinArgs = 0,
    ObjectRule Object = ObjectRule.Forbidden)
{
    public static NetdocRule Once(string keyword, int minArgs = 0, ObjectRule obj = ObjectRule.Forbidden)
        => new(keyword, 1, 1, minArgs, obj);

    public static NetdocRule AtMostOnce(string keyword, int minArgs = 0, ObjectRule obj = ObjectRule.Forbidden)
        => new(keyword, 0, 1, minArgs, obj);

    public static NetdocRule Any(string keyword, int minArgs = 0, ObjectRule obj = ObjectRule.Forbidden)
        => new(keyword, 0, int.MaxValue, minArgs, obj);
}
