using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using TorRelay.Host.Config;
using TorRelay.Host.Logging;

namespace TorRelay.Host.Tests.Logging;

public class TorLoggerProviderTests
{
    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
        public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;
    }

    private static LogSinkConfig Sink(string spec)
    {
        Assert.True(LogLineParser.TryParse(spec, out var sink, out string error), error);
        return sink!;
    }

    private static (TorLoggerProvider Provider, StringWriter Out, StringWriter Err) Create(TimeSpan? granularity = null,
        bool domains = false, params string[] specs)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var options = new TorLoggerOptions
        {
            Stdout = stdout,
            Stderr = stderr,
            Time = new FixedTime(new DateTimeOffset(2026, 11, 22, 12, 34, 56, 789, TimeSpan.Zero)),
            TimeGranularity = granularity ?? TimeSpan.FromSeconds(1),
            MessageDomains = domains,
        };
        return (new TorLoggerProvider(specs.Select(Sink).ToList(), options), stdout, stderr);
    }

    [Fact]
    public void WritesTorStyleLinesWithTorsDefaultGranularity()
    {
        var (provider, stdout, _) = Create(specs: "notice stdout");
        provider.CreateLogger("TorRelay.Relay.OrPort").LogInformation("Bootstrapped {Percent}%", 100);
        Assert.Equal("Nov 22 12:34:56.000 [notice] Bootstrapped 100%\n", stdout.ToString());
    }

    [Fact]
    public void SubSecondGranularityKeepsMilliseconds()
    {
        var (provider, stdout, _) = Create(TimeSpan.FromMilliseconds(1), specs: "notice stdout");
        provider.CreateLogger("x").LogWarning("careful");
        Assert.Equal("Nov 22 12:34:56.789 [warn] careful\n", stdout.ToString());
        Assert.Equal("Nov 22 12:34:56.750", TorLogFormat.Timestamp(
            new DateTimeOffset(2026, 11, 22, 12, 34, 56, 789, TimeSpan.Zero), TimeSpan.FromMilliseconds(250)));
        Assert.Equal("Nov 22 12:34:50.000", TorLogFormat.Timestamp(
            new DateTimeOffset(2026, 11, 22, 12, 34, 56, 789, TimeSpan.Zero), TimeSpan.FromSeconds(10)));
    }

    /// <summary>Records each Write call, as an autoflushing writer turns each into a system call.</summary>
    private sealed class CallRecordingWriter : StringWriter
    {
        public List<string> Calls { get; } = new();
        public override void Write(char value) => Calls.Add(value.ToString());
        public override void Write(string? value) => Calls.Add(value ?? "");
    }

    [Fact]
    public void EachLineReachesItsWriterInOneWrite()
    {
        // One write(2) per line on an O_APPEND file: lines of two processes sharing a log never interleave.
        var stdout = new CallRecordingWriter();
        var options = new TorLoggerOptions
        {
            Stdout = stdout,
            Stderr = new StringWriter(),
            Time = new FixedTime(new DateTimeOffset(2026, 11, 22, 12, 34, 56, 789, TimeSpan.Zero)),
        };
        var provider = new TorLoggerProvider([Sink("notice stdout")], options);
        provider.CreateLogger("x").LogWarning("one");
        provider.CreateLogger("x").LogWarning("two");
        Assert.Equal(["Nov 22 12:34:56.000 [warn] one\n", "Nov 22 12:34:56.000 [warn] two\n"], stdout.Calls);
    }

    [Theory]
    [InlineData(LogLevel.Trace, "debug")]
    [InlineData(LogLevel.Debug, "info")]
    [InlineData(LogLevel.Information, "notice")]
    [InlineData(LogLevel.Warning, "warn")]
    [InlineData(LogLevel.Error, "err")]
    [InlineData(LogLevel.Critical, "err")]
    public void MapsLevelsToTorSeverities(LogLevel level, string severity)
    {
        var (provider, stdout, _) = Create(specs: "debug stdout");
        provider.CreateLogger("x").Log(level, "m");
        Assert.Equal($"Nov 22 12:34:56.000 [{severity}] m\n", stdout.ToString());
    }

    [Fact]
    public void EachSinkGetsOnlyItsSeverities()
    {
        var (provider, stdout, stderr) = Create(specs: ["info-notice stdout", "warn stderr"]);
        var logger = provider.CreateLogger("x");
        logger.LogTrace("debug message");
        logger.LogDebug("info message");
        logger.LogInformation("notice message");
        logger.LogError("err message");
        Assert.Equal(["[info] info message", "[notice] notice message"], Bodies(stdout));
        Assert.Equal(["[err] err message"], Bodies(stderr));
        Assert.False(logger.IsEnabled(LogLevel.Trace));
        Assert.True(logger.IsEnabled(LogLevel.Debug));
        Assert.Equal(LogLevel.Debug, provider.MinimumLevel);
    }

    [Fact]
    public void MessageDomainsPrefixTheCategoryAndExceptionsAreAppended()
    {
        var (provider, stdout, _) = Create(domains: true, specs: "notice stdout");
        provider.CreateLogger("TorRelay.Core.Channel").LogError(new InvalidOperationException("boom"), "failed");
        string text = stdout.ToString();
        Assert.StartsWith("Nov 22 12:34:56.000 [err] {Channel} failed: System.InvalidOperationException: boom", text);
    }

    [Fact]
    public void FileSinkAppendsAndAnnouncesItselfAsTor()
    {
        using var dir = new TempDir();
        string path = Path.Combine(dir.Path, "notices.log");
        using (var provider = new TorLoggerProvider([Sink($"notice file {path}")]))
            provider.CreateLogger("x").LogInformation("first");
        using (var provider = new TorLoggerProvider([Sink($"notice file {path}")]))
            provider.CreateLogger("x").LogInformation("second");
        string[] lines = File.ReadAllLines(path);
        Assert.Equal(4, lines.Length);
        Assert.Matches(@"^\w{3} \d{2} \d{2}:\d{2}:\d{2}\.000 \[notice\] torrelay [\d.]+ opening new log file\.$", lines[0]);
        Assert.EndsWith("[notice] first", lines[1]);
        Assert.Matches(@"\[notice\] torrelay [\d.]+ opening log file\.$", lines[2]);
        Assert.EndsWith("[notice] second", lines[3]);
    }

    [Fact]
    public void UnopenableLogFileIsAConfigError()
    {
        var e = Assert.Throws<ConfigException>(() => new TorLoggerProvider([Sink("notice file /nonexistent-dir/x/tor.log")]));
        Assert.StartsWith("Couldn't open file for 'Log notice file /nonexistent-dir/x/tor.log'", e.Message);
    }

    [Fact]
    public void ConcurrentWritersNeverInterleaveLines()
    {
        var (provider, stdout, _) = Create(specs: "notice stdout");
        Parallel.For(0, 8, t =>
        {
            var logger = provider.CreateLogger("t" + t);
            for (int i = 0; i < 200; i++)
                logger.LogInformation("thread {T} line {I}", t, i);
        });
        string[] lines = stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(1600, lines.Length);
        Assert.All(lines, l => Assert.Matches(@"^Nov 22 12:34:56\.000 \[notice\] thread \d line \d+$", l));
    }

    [Fact]
    public void AddTorLoggingWiresTheProviderFromOptions()
    {
        var options = ConfigLoader.LoadFromString("ORPort 9001\nLog info stdout\nLogMessageDomains 1\n");
        var stdout = new StringWriter();
        using var factory = LoggerFactory.Create(b => b.AddTorLogging(options, new TorLoggerOptions { Stdout = stdout }));
        factory.CreateLogger("A.B").LogDebug("hello");
        Assert.Matches(@"\[info\] \{B\} hello\n$", stdout.ToString());
    }

    private static string[] Bodies(StringWriter w) =>
        w.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => Regex.Replace(l, @"^.{19} ", "")).ToArray();
}
