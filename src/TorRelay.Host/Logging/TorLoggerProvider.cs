using System.Reflection;
using Microsoft.Extensions.Logging;
using TorRelay.Host.Config;

namespace TorRelay.Host.Logging;

/// <summary>
/// An ILoggerProvider that writes tor-style lines (<c>Nov 22 12:34:56.000 [notice] message</c>) to the sinks named
/// by the Log options. Severity map: Trace→debug, Debug→info, Information→notice, Warning→warn, Error/Critical→err.
/// </summary>
[ProviderAlias("Tor")]
public sealed class TorLoggerProvider : ILoggerProvider
{
    private readonly (LogSinkConfig Config, ILogSinkWriter Writer)[] _sinks;
    private readonly TorLoggerOptions _options;
    private int _disposed;

    /// <exception cref="ConfigException">A log file cannot be opened ("Couldn't open file for 'Log ...'").</exception>
    public TorLoggerProvider(IReadOnlyList<LogSinkConfig> sinks, TorLoggerOptions? options = null)
    {
        _options = options ?? new TorLoggerOptions();
        var opened = new List<(LogSinkConfig, ILogSinkWriter)>();
        try
        {
            foreach (LogSinkConfig sink in sinks)
                opened.Add((sink, Open(sink)));
        }
        catch
        {
            foreach (var (_, w) in opened)
                w.Dispose();
            throw;
        }
        _sinks = opened.ToArray();
    }

    /// <summary>The least severe level any sink wants, for a host's minimum-level filter.</summary>
    public LogLevel MinimumLevel
    {
        get
        {
            for (var s = TorLogSeverity.Debug; s >= TorLogSeverity.Err; s--)
            {
                if (_sinks.Any(k => k.Config.Accepts(s)))
                    return TorLogSeverities.ToLogLevel(s);
            }
            return LogLevel.None;
        }
    }

    public ILogger CreateLogger(string categoryName) => new TorLogger(this, categoryName);

    internal bool IsEnabled(TorLogSeverity severity)
    {
        foreach (var (config, _) in _sinks)
        {
            if (config.Accepts(severity))
                return true;
        }
        return false;
    }

    internal void Log(TorLogSeverity severity, string category, string message)
    {
        if (Volatile.Read(ref _disposed) != 0)
            return;
        if (_options.MessageDomains)
            message = "{" + ShortCategory(category) + "} " + message;
        foreach (var (config, writer) in _sinks)
        {
            if (config.Accepts(severity))
                Write(writer, severity, message);
        }
    }

    private void Write(ILogSinkWriter writer, TorLogSeverity severity, string message)
    {
        string stamp = TorLogFormat.Timestamp(_options.Time.GetLocalNow(), _options.TimeGranularity);
        writer.Write(severity, stamp, "[" + TorLogSeverities.Name(severity) + "] " + message, message);
    }

    private ILogSinkWriter Open(LogSinkConfig sink)
    {
        switch (sink.Destination)
        {
            case LogDestination.Stdout:
                return new TextLogSinkWriter(_options.Stdout ?? Console.Out, ownsWriter: false);
            case LogDestination.Stderr:
                return new TextLogSinkWriter(_options.Stderr ?? Console.Error, ownsWriter: false);
            case LogDestination.Syslog:
                try
                {
                    return new SyslogSinkWriter(_options.SyslogTag);
                }
                catch (System.Net.Sockets.SocketException e)
                {
                    throw new ConfigException($"Couldn't open syslog for 'Log {sink.Spec}': {e.Message}");
                }
            default:
                try
                {
                    var stream = new FileStream(sink.Path!, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
                    bool isNew = stream.Length == 0;
                    var writer = new TextLogSinkWriter(new StreamWriter(stream), ownsWriter: true);
                    // As tor's log_tor_version: a version line whatever the severities, "new" for an empty file.
                    string version = Assembly.GetExecutingAssembly().GetName().Version?.ToString(3) ?? "0";
                    Write(writer, TorLogSeverity.Notice, $"torrelay {version} opening {(isNew ? "new " : "")}log file.");
                    return writer;
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw new ConfigException($"Couldn't open file for 'Log {sink.Spec}': {e.Message}");
                }
        }
    }

    private static string ShortCategory(string category)
    {
        int dot = category.LastIndexOf('.');
        return dot < 0 ? category : category[(dot + 1)..];
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        foreach (var (_, writer) in _sinks)
            writer.Dispose();
    }
}
