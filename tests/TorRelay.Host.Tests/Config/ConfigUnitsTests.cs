using TorRelay.Host.Config;

namespace TorRelay.Host.Tests.Config;

public class ConfigUnitsTests
{
    [Theory]
    [InlineData("1 GB", 1UL << 30)]
    [InlineData("1 GByte", 1UL << 30)]
    [InlineData("1GBytes", 1UL << 30)]
    [InlineData("100 KBytes", 100UL * 1024)]
    [InlineData("100 kilobytes", 100UL * 1024)]
    [InlineData("8 Mbits", 1UL << 20)]
    [InlineData("8 megabits", 1UL << 20)]
    [InlineData("1 MB", 1UL << 20)]
    [InlineData("1 m", 1UL << 20)]
    [InlineData("12345", 12345UL)]
    [InlineData("12345 bytes", 12345UL)]
    [InlineData("0", 0UL)]
    [InlineData("1.5 MBytes", 3UL << 19)]
    [InlineData("2 TB", 2UL << 40)]
    [InlineData("1 Gbit", 1UL << 27)]
    [InlineData("  75 KB  ", 75UL * 1024)]
    public void ParsesTorMemoryUnits(string text, ulong bytes)
    {
        Assert.True(ConfigUnits.TryParseMemUnit(text, out ulong v, out string error), error);
        Assert.Equal(bytes, v);
    }

    [Theory]
    [InlineData("1 parsec", "Unknown unit in 1 parsec")]
    [InlineData("MB", "Unable to parse MB as a number")]
    [InlineData("-1 MB", "Unable to parse -1 MB as a number")]
    [InlineData("99999999999 TB", "Overflow while parsing 99999999999 TB")]
    public void RejectsMalformedMemoryUnits(string text, string message)
    {
        Assert.False(ConfigUnits.TryParseMemUnit(text, out _, out string error));
        Assert.Equal(message, error);
    }

    [Theory]
    [InlineData("30 seconds", 30)]
    [InlineData("30", 30)]
    [InlineData("5 minutes", 300)]
    [InlineData("6 hours", 21600)]
    [InlineData("1 day", 86400)]
    [InlineData("2 weeks", 1209600)]
    [InlineData("1 month", 2629728)]
    [InlineData("1.5 minutes", 90)]
    public void ParsesIntervals(string text, int seconds)
    {
        Assert.True(ConfigUnits.TryParseInterval(text, out TimeSpan v, out string error), error);
        Assert.Equal(TimeSpan.FromSeconds(seconds), v);
    }

    [Fact]
    public void IntervalBeyondIntMaxIsRejected()
    {
        Assert.False(ConfigUnits.TryParseInterval("1000 months", out _, out string error));
        Assert.Equal("Interval '1000 months' is too long", error);
        Assert.False(ConfigUnits.TryParseInterval("5 fortnights", out _, out _));
    }

    [Theory]
    [InlineData("1 second", 1000)]
    [InlineData("250 msec", 250)]
    [InlineData("250", 250)]
    [InlineData("2 milliseconds", 2)]
    public void ParsesMsecIntervals(string text, int ms)
    {
        Assert.True(ConfigUnits.TryParseMsecInterval(text, out TimeSpan v, out _));
        Assert.Equal(TimeSpan.FromMilliseconds(ms), v);
    }
}
