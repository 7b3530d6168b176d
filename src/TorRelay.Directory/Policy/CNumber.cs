namespace TorRelay.Directory.Policy;

/// <summary>
/// C's strtol(s, &amp;end, 10) and tor_parse_long over it, whose leniencies policy syntax inherits: leading
/// whitespace, a sign, and the caller deciding what may follow the digits.
/// </summary>
internal static class CNumber
{
    /// <summary>
    /// strtol base 10: <paramref name="end"/> is where the digits stop, or 0 when there are none; an out-of-range
    /// value saturates at long.MinValue or long.MaxValue and sets <paramref name="overflow"/> (errno ERANGE).
    /// </summary>
    public static long Strtol(ReadOnlySpan<char> s, out int end, out bool overflow)
    {
        overflow = false;
        end = 0;
        int pos = 0;
        while (pos < s.Length && s[pos] is ' ' or '\t' or '\n' or '\v' or '\f' or '\r')
            pos++;
        bool negative = false;
        if (pos < s.Length && s[pos] is '+' or '-')
            negative = s[pos++] == '-';
        int digits = pos;
        ulong magnitude = 0;
        const ulong limit = (ulong)long.MaxValue + 1;
        while (pos < s.Length && char.IsAsciiDigit(s[pos]))
        {
            ulong digit = (ulong)(s[pos++] - '0');
            if (magnitude > (limit - digit) / 10)
                overflow = true;
            else
                magnitude = magnitude * 10 + digit;
        }
        if (pos == digits)
            return 0;
        end = pos;
        if (!negative && magnitude > long.MaxValue)
            overflow = true;
        if (overflow)
            return negative ? long.MinValue : long.MaxValue;
        return negative ? unchecked(-(long)magnitude) : (long)magnitude;
    }

    /// <summary>
    /// tor_parse_long(s, 10, min, max, &amp;ok, &amp;next): some digits, no overflow, within [min, max]; anything
    /// may follow them (<paramref name="end"/> says where).
    /// </summary>
    public static bool TryParseLong(ReadOnlySpan<char> s, long min, long max, out long value, out int end)
    {
        value = Strtol(s, out end, out bool overflow);
        return end > 0 && !overflow && value >= min && value <= max;
    }
}
