using System.Globalization;
using TorRelay.Directory.Netdoc;

namespace TorRelay.Relay.State;

/// <summary>The state-file keys we read or write (state_vars_ in C tor's statefile.c) and their value types.</summary>
public static class StateKeys
{
    public const string LastWritten = "LastWritten";
    public const string TorVersion = "TorVersion";

    /// <summary>The six bwhist arrays as the state file names them: BWHistory{name}Ends, …Interval, …Values, …Maxima.</summary>
    public static readonly IReadOnlyList<string> HistoryNames = ["Read", "Write", "IPv6Read", "IPv6Write", "DirRead", "DirWrite"];

    public static string Ends(string name) => $"BWHistory{name}Ends";

    public static string Interval(string name) => $"BWHistory{name}Interval";

    public static string Values(string name) => $"BWHistory{name}Values";

    public static string Maxima(string name) => $"BWHistory{name}Maxima";

    /// <summary>ISOTIME: "YYYY-MM-DD HH:MM:SS" in UTC.</summary>
    public static string FormatTime(DateTimeOffset t) => NetdocFormat.FormatTime(t);

    public static bool TryParseTime(string value, out DateTimeOffset time) => NetdocFormat.TryParseTime(value, out time);

    /// <summary>
    /// POSINT as config_assign parses it; unlike C tor we also refuse 0, which would divide by zero in
    /// bwhist_load_bwhist_state_section.
    /// </summary>
    public static bool TryParseInterval(string value, out int seconds) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out seconds) && seconds > 0;

    /// <summary>config_assign's check for a key whose type we know; other keys take any value.</summary>
    public static bool IsValid(string key, string value)
    {
        if (string.Equals(key, LastWritten, StringComparison.OrdinalIgnoreCase) || IsHistoryKey(key, "Ends"))
            return TryParseTime(value, out _);
        if (IsHistoryKey(key, "Interval")) return TryParseInterval(value, out _);
        return true;
    }

    private static bool IsHistoryKey(string key, string suffix)
    {
        foreach (string name in HistoryNames)
            if (string.Equals(key, $"BWHistory{name}{suffix}", StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }
}
