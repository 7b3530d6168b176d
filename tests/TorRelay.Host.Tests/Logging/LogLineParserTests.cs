using TorRelay.Host.Logging;

namespace TorRelay.Host.Tests.Logging;

public class LogLineParserTests
{
    private static LogSinkConfig Parse(string value)
    {
        Assert.True(LogLineParser.TryParse(value, out LogSinkConfig? sink, out string error), error);
        return sink!;
    }

    [Theory]
    [InlineData("notice stdout", LogDestination.Stdout)]
    [InlineData("notice", LogDestination.Stdout)]
    [InlineData("warn stderr", LogDestination.Stderr)]
    [InlineData("info syslog", LogDestination.Syslog)]
    [InlineData("NOTICE STDOUT", LogDestination.Stdout)]
    public void ParsesDestinations(string value, LogDestination destination)
    {
        Assert.Equal(destination, Parse(value).Destination);
    }

    [Fact]
    public void SingleSeverityMeansThatLevelAndAbove()
    {
        var sink = Parse("notice stdout");
        Assert.True(sink.Accepts(TorLogSeverity.Notice));
        Assert.True(sink.Accepts(TorLogSeverity.Err));
        Assert.False(sink.Accepts(TorLogSeverity.Info));
    }

    [Fact]
    public void SeverityRangeIsInclusive()
    {
        var sink = Parse("info-notice file /var/log/tor/info.log");
        Assert.Equal(LogDestination.File, sink.Destination);
        Assert.Equal("/var/log/tor/info.log", sink.Path);
        Assert.True(sink.Accepts(TorLogSeverity.Info));
        Assert.True(sink.Accepts(TorLogSeverity.Notice));
        Assert.False(sink.Accepts(TorLogSeverity.Warn));
        Assert.False(sink.Accepts(TorLogSeverity.Debug));
    }

    [Fact]
    public void FileNameMayContainSpacesAndTildeExpands()
    {
        Assert.Equal("/tmp/my logs/n.log", Parse("notice file /tmp/my logs/n.log").Path);
        string home = Environment.GetEnvironmentVariable("HOME")!;
        Assert.Equal(Path.Join(home, "tor.log"), Parse("notice file ~/tor.log").Path);
    }

    [Fact]
    public void DomainQualifiedRangesParseAsInTheManPage()
    {
        var sink = Parse("[handshake]debug [~net,~mm]info notice stdout");
        Assert.Equal(3, sink.Ranges.Count);
        Assert.Equal(["handshake"], sink.Ranges[0].Domains);
        Assert.Equal(["~net", "~mm"], sink.Ranges[1].Domains);
        Assert.Null(sink.Ranges[2].Domains);
        // Only the all-domain range decides for our category-less loggers.
        Assert.True(sink.Accepts(TorLogSeverity.Notice));
        Assert.False(sink.Accepts(TorLogSeverity.Info));
        Assert.True(Parse("[*]info stdout").Accepts(TorLogSeverity.Info));
    }

    [Theory]
    [InlineData("loud stdout")]
    [InlineData("notice-loud stdout")]
    [InlineData("notice stdout extra")]
    [InlineData("notice file")]
    [InlineData("notice pigeon")]
    [InlineData("[nosuchdomain]info stdout")]
    [InlineData("[net info stdout")]
    [InlineData("notice info stdout")]
    [InlineData("stdout")]
    public void RejectsMalformedLogLines(string value)
    {
        Assert.False(LogLineParser.TryParse(value, out _, out string error));
        Assert.StartsWith($"Couldn't parse log levels in Log option 'Log {value}'", error);
    }
}
