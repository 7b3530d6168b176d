namespace TorRelay.Directory.Policy;

/// <summary>
/// C tor's own address text routines (lib/net/inaddr.c), which differ from the BCL's: tor_inet_aton takes only
/// four decimal octets without leading zeros, tor_inet_pton(AF_INET6) takes no zone id and no needless trailing
/// ':', and tor_inet_ntop shortens IPv6 its own way. Addresses are numbers: IPv4 in the low 32 bits.
/// </summary>
internal static class TorAddressText
{
    /// <summary>tor_inet_aton: sscanf("%3u.%3u.%3u.%3u%c") == 4, no octet like "01", each at most 255.</summary>
    public static bool TryParseIPv4(ReadOnlySpan<char> s, out uint value) =>
        TryParseDottedQuad(s, rejectLeadingZeros: true, out value);

    /// <summary>tor_inet_pton(AF_INET6, ...), step by step, so that the same strings pass and fail.</summary>
    public static bool TryParseIPv6(ReadOnlySpan<char> s, out UInt128 value)
    {
        value = 0;
        int len = s.Length;
        if (len > 2 && s[len - 1] == ':' && s[len - 2] != ':')
            return false;

        Span<ushort> words = stackalloc ushort[8];
        words.Clear();
        int setWords = 0;
        int dot = s.IndexOf('.');
        int eow = len; // end of the hex words
        if (dot == 0)
            return false;
        if (dot > 0)
        {
            for (eow = dot - 1; eow > 0 && char.IsAsciiDigit(s[eow]); eow--) { }
            if (s[eow] != ':')
                return false;
            eow++;
            if (!TryParseDottedQuad(s[eow..], rejectLeadingZeros: false, out uint v4))
                return false;
            words[6] = (ushort)(v4 >> 16);
            words[7] = (ushort)v4;
            setWords += 2;
        }

        int gapPos = -1, i = 0, src = 0;
        while (src < eow)
        {
            if (i > 7)
                return false;
            if (char.IsAsciiHexDigit(s[src]))
            {
                // A word is 1-4 hex digits ("0x" prefixes fail below: 'x' is no separator).
                int next = src;
                while (next < len && char.IsAsciiHexDigit(s[next]))
                    next++;
                if (next - src > 4)
                    return false;
                words[i++] = ushort.Parse(s[src..next], System.Globalization.NumberStyles.AllowHexSpecifier);
                setWords++;
                src = next;
                if (src != eow && s[src] != ':')
                    return false;
                src++;
            }
            else if (s[src] == ':' && i > 0 && gapPos == -1)
            {
                gapPos = i;
                src++;
            }
            else if (s[src] == ':' && i == 0 && src + 1 < eow && s[src + 1] == ':' && gapPos == -1)
            {
                gapPos = i;
                src += 2;
            }
            else
            {
                return false;
            }
        }

        if (setWords > 8 || (setWords == 8 && gapPos != -1) || (setWords < 8 && gapPos == -1))
            return false;
        if (gapPos >= 0)
        {
            int toMove = setWords - (dot > 0 ? 2 : 0) - gapPos;
            int gapLen = 8 - setWords;
            words.Slice(gapPos, toMove).CopyTo(words[(gapPos + gapLen)..]);
            words.Slice(gapPos, gapLen).Clear();
        }
        foreach (ushort w in words)
            value = (value << 16) | w;
        return true;
    }

    /// <summary>tor_inet_ntoa: "a.b.c.d".</summary>
    public static string FormatIPv4(uint v) => $"{v >> 24}.{(v >> 16) & 0xFF}.{(v >> 8) & 0xFF}.{v & 0xFF}";

    /// <summary>
    /// tor_inet_ntop(AF_INET6): "::a.b.c.d" and "::ffff:a.b.c.d" for IPv4-looking addresses, otherwise lowercase
    /// hex words with the first longest run of two or more zero words written as "::".
    /// </summary>
    public static string FormatIPv6(UInt128 v)
    {
        Span<ushort> w = stackalloc ushort[8];
        for (int k = 0; k < 8; k++)
            w[k] = (ushort)(v >> (112 - 16 * k));
        uint low = (uint)v;
        if (w[..5].IndexOfAnyExcept((ushort)0) < 0 && ((w[5] == 0 && w[6] != 0 && w[7] != 0) || w[5] == 0xFFFF))
            return (w[5] == 0 ? "::" : "::ffff:") + FormatIPv4(low);

        int bestPos = -1, bestLen = 0;
        for (int k = 0; k < 8;)
        {
            if (w[k] != 0) { k++; continue; }
            int start = k;
            while (k < 8 && w[k] == 0) k++;
            if (k - start > bestLen) { bestPos = start; bestLen = k - start; }
        }
        if (bestLen <= 1)
            bestPos = -1;

        var sb = new System.Text.StringBuilder(40);
        for (int k = 0; k < 8; k++)
        {
            if (k == bestPos)
            {
                sb.Append(k == 0 ? "::" : ":");
                k += bestLen - 1;
                continue;
            }
            sb.Append(w[k].ToString("x", System.Globalization.CultureInfo.InvariantCulture));
            if (k != 7)
                sb.Append(':');
        }
        return sb.ToString();
    }

    /// <summary>tor_sscanf("%3u.%3u.%3u.%3u%c") == 4 (digits only, at most three each) with octets ≤ 255.</summary>
    private static bool TryParseDottedQuad(ReadOnlySpan<char> s, bool rejectLeadingZeros, out uint value)
    {
        value = 0;
        int pos = 0;
        for (int octet = 0; octet < 4; octet++)
        {
            if (octet > 0)
            {
                if (pos >= s.Length || s[pos] != '.')
                    return false;
                pos++;
            }
            int start = pos;
            uint n = 0;
            while (pos < s.Length && pos - start < 3 && char.IsAsciiDigit(s[pos]))
                n = n * 10 + (uint)(s[pos++] - '0');
            if (pos == start || n > 255 || (rejectLeadingZeros && pos - start > 1 && s[start] == '0'))
                return false;
            value = (value << 8) | n;
        }
        return pos == s.Length;
    }
}
