using TorRelay.Host.Systemd;

namespace TorRelay.Deploy.Tests;

public class WatchdogSettingsTests
{
    [Fact]
    public void WatchdogUsecGivesTheIntervalAndHalfOfItIsTheKeepAlivePeriod()
    {
        var interval = WatchdogSettings.Interval("30000000", null, 42);

        Assert.Equal(TimeSpan.FromSeconds(30), interval);
        Assert.Equal(TimeSpan.FromSeconds(15), WatchdogSettings.KeepAlivePeriod(interval!.Value));
    }

    [Fact]
    public void AWatchdogForAnotherPidIsNotOurs()
    {
        Assert.Equal(TimeSpan.FromSeconds(1), WatchdogSettings.Interval("1000000", "42", 42));
        Assert.Null(WatchdogSettings.Interval("1000000", "43", 42));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("10s")]
    [InlineData("99999999999999999999999")]
    public void AMissingOrMalformedWatchdogUsecMeansNoWatchdog(string? value)
    {
        Assert.Null(WatchdogSettings.Interval(value, null, 42));
    }
}
