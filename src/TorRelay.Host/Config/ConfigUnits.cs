using System.Globalization;

namespace TorRelay.Host.Config;

/// <summary>
/// tor's "number [unit]" values (lib/confmgt/unitparse.c): memory sizes ("1 GB", "100 KBytes", "8 Mbits") and
/// time intervals ("30 seconds", "6 hours"). A number may be fractional; units are case-insensitive.
/// </summary>
public static class ConfigUnits
{
    private static readonly Dictionary<string, ulong> MemoryUnits = new(StringComparer.OrdinalIgnoreCase)
    {
        [""] = 1, ["b"] = 1, ["byte"] = 1, ["bytes"] = 1,
        ["kb"] = 1UL << 10, ["kbyte"] = 1UL << 10, ["kbytes"] = 1UL << 10, ["kilobyte"] = 1UL << 10, ["kilobytes"] = 1UL << 10,
        ["kilobits"] = 1UL << 7, ["kilobit"] = 1UL << 7, ["kbits"] = 1UL << 7, ["kbit"] = 1UL << 7,
        ["m"] = 1UL << 20, ["mb"] = 1UL << 20, ["mbyte"] = 1UL << 20, ["mbytes"] = 1UL << 20, ["megabyte"] = 1UL << 20, ["megabytes"] = 1UL << 20,
        ["megabits"] = 1UL << 17, ["megabit"] = 1UL << 17, ["mbits"] = 1UL << 17, ["mbit"] = 1UL << 17,
        ["gb"] = 1UL << 30, ["gbyte"] = 1UL << 30, ["gbytes"] = 1UL << 30, ["gigabyte"] = 1UL << 30, ["gigabytes"] = 1UL << 30,
        ["gigabits"] = 1UL << 27, ["gigabit"] = 1UL << 27, ["gbits"] = 1UL << 27, ["gbit"] = 1UL << 27,
        ["tb"] = 1UL << 40, ["tbyte"] = 1UL << 40, ["tbytes"] = 1UL << 40, ["terabyte"] = 1UL << 40, ["terabytes"] = 1UL << 40,
        ["terabits"] = 1UL << 37, ["terabit"] = 1UL << 37, ["tbits"] = 1UL << 37, ["tbit"] = 1UL << 37,
    };

    private static readonly Dictionary<string, ulong> TimeUnits = new(StringComparer.OrdinalIgnoreCase)
    {
        [""] = 1, ["second"] = 1, ["seconds"] = 1, ["minute"] = 60, ["minutes"] = 60,
        ["hour"] = 3600, ["hours"] = 3600, ["day"] = 86400, ["days"] = 86400,
        ["week"] = 7 * 86400, ["weeks"] = 7 * 86400,
        ["month"] = 2629728, ["months"] = 2629728, // about 30.437 days, as tor
    };

    private static readonly Dictionary<string, ulong> MsecUnits = new(StringComparer.OrdinalIgnoreCase)
    {
        [""] = 1, ["msec"] = 1, ["millisecond"] = 1, ["milliseconds"] = 1,
        ["second"] = 1000, ["seconds"] = 1000, ["minute"] = 60_000, ["minutes"] = 60_000,
        ["hour"] = 3_600_000, ["hours"] = 3_600_000, ["day"] = 86_400_000, ["days"] = 86_400_000,
        ["week"] = 604_800_000, ["weeks"] = 604_800_000,
    };

    /// <summary>A byte count (tor's MEMUNIT).</summary>
    public static bool TryParseMemUnit(string value, out ulong bytes, out string error) =>
        TryParseUnits(value, MemoryUnits, out bytes, out error);

    /// <summary>A whole number of seconds (tor's INTERVAL; at most INT_MAX seconds).</summary>
    public static bool TryParseInterval(string value, out TimeSpan interval, out string error)
    {
        interval = default;
        if (!TryParseUnits(value, TimeUnits, out ulong seconds, out error))
            return false;
        if (seconds > int.MaxValue)
        {
            error = $"Interval '{value}' is too long";
            return false;
        }
        interval = TimeSpan.FromSeconds(seconds);
        return true;
    }

    /// <summary>A whole number of milliseconds (tor's MSEC_INTERVAL; at most INT_MAX ms).</summary>
    public static bool TryParseMsecInterval(string value, out TimeSpan interval, out string error)
    {
        interval = default;
        if (!TryParseUnits(value, MsecUnits, out ulong ms, out error))
            return false;
        if (ms > int.MaxValue)
        {
            error = $"Msec interval '{value}' is too long";
            return false;
        }
        interval = TimeSpan.FromMilliseconds(ms);
        return true;
    }

    /// <summary>As config_parse_units: a decimal integer or float, optional spaces, then a unit from the table.</summary>
    private static bool TryParseUnits(string value, Dictionary<string, ulong> units, out ulong result, out string error)
    {
        result = 0;
        error = "";
        string v = value.Trim();
        int i = 0;
        while (i < v.Length && (char.IsAsciiDigit(v[i]) || v[i] == '.'))
            i++;
        string number = v[..i];
        string unit = v[i..].TrimStart();
        bool isFloat = number.Contains('.');
        if (number.Length == 0 || number == "." ||
            (isFloat && !double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out _)) ||
            (!isFloat && !ulong.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
        {
            error = $"Unable to parse {value} as a number";
            return false;
        }
        if (!units.TryGetValue(unit, out ulong multiplier))
        {
            error = $"Unknown unit in {value}";
            return false;
        }
        if (isFloat)
        {
            double d = double.Parse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture) * multiplier;
            if (d > long.MaxValue)
            {
                error = $"Overflow while parsing {value}";
                return false;
            }
            result = (ulong)d;
            return true;
        }
        ulong n = ulong.Parse(number, NumberStyles.None, CultureInfo.InvariantCulture);
        if (n != 0 && multiplier > long.MaxValue / n)
        {
            error = $"Overflow while parsing {value}";
            return false;
        }
        result = n * multiplier;
        return true;
    }
}
