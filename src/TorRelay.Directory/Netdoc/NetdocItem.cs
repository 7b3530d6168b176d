namespace TorRelay.Directory.Netdoc;

/// <summary>
/// One netdoc item: a keyword line with its arguments and an optional object (dir-spec §1.2).
/// <see cref="Start"/> and <see cref="End"/> index the item in the tokenized text (End is past the item's last newline),
/// so signed ranges and per-entry sections can be cut out of the original bytes.
/// </summary>
public sealed record NetdocItem(string Keyword, IReadOnlyList<string> Arguments, string ArgumentText, NetdocObject? Object,
    int Start, int End)
{
    /// <summary>The argument at <paramref name="index"/>, or null when there are fewer.</summary>
    public string? Arg(int index) => index < Arguments.Count ? Arguments[index] : null;
}
