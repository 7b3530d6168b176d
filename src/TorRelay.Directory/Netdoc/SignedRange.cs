namespace TorRelay.Directory.Netdoc;

/// <summary>
/// Finds the signed portion of a document as C tor's router_get_hash_impl_helper does: from the first
/// <c>startStr</c> (which must begin a line) through the first <c>endChar</c> after the next <c>endStr</c>.
/// </summary>
public static class SignedRange
{
    public static bool TryFind(string text, string startStr, string endStr, char endChar, out int start, out int end)
    {
        start = end = 0;
        int s = text.IndexOf(startStr, StringComparison.Ordinal);
        if (s < 0 || (s > 0 && text[s - 1] != '\n')) return false;
        int e = text.IndexOf(endStr, s + startStr.Length, StringComparison.Ordinal);
        if (e < 0) return false;
        int c = text.IndexOf(endChar, e + endStr.Length);
        if (c < 0) return false;
        start = s;
        end = c + 1;
        return true;
    }
}
