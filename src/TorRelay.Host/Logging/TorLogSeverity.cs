using Microsoft.Extensions.Logging;

namespace TorRelay.Host.Logging;

/// <summary>tor's log severities; the numbers are syslog's, so a smaller value is more severe.</summary>
public enum TorLogSeverity
{
    Err = 3,
    Warn = 4,
    Notice = 5,
    Info = 6,
    Debug = 7,
}

/// <summary>Maps between tor severities and Microsoft.Extensions.Logging levels.</summary>
public static class TorLogSeverities
{
    /// <summary>debug→Trace, info→Debug, notice→Information, warn→Warning, err→Error (and Critical).</summary>
    public static TorLogSeverity FromLogLevel(LogLevel level) => level switch
    {
        LogLevel.Trace => TorLogSeverity.Debug,
        LogLevel.Debug => TorLogSeverity.Info,
        LogLevel.Information => TorLogSeverity.Notice,
        LogLevel.Warning => TorLogSeverity.Warn,
        _ => TorLogSeverity.Err,
    };

    public static LogLevel ToLogLevel(TorLogSeverity severity) => severity switch
    {
        TorLogSeverity.Debug => LogLevel.Trace,
        TorLogSeverity.Info => LogLevel.Debug,
        TorLogSeverity.Notice => LogLevel.Information,
        TorLogSeverity.Warn => LogLevel.Warning,
        _ => LogLevel.Error,
    };

    /// <summary>parse_log_level: "err", "warn", "notice", "info", "debug", case-insensitive.</summary>
    public static bool TryParse(string s, out TorLogSeverity severity)
    {
        severity = s.ToLowerInvariant() switch
        {
            "err" => TorLogSeverity.Err,
            "warn" => TorLogSeverity.Warn,
            "notice" => TorLogSeverity.Notice,
            "info" => TorLogSeverity.Info,
            "debug" => TorLogSeverity.Debug,
            _ => 0,
        };
        return severity != 0;
    }

    /// <summary>The name tor prints between brackets.</summary>
    public static string Name(TorLogSeverity severity) => severity switch
    {
        TorLogSeverity.Err => "err",
        TorLogSeverity.Warn => "warn",
        TorLogSeverity.Notice => "notice",
        TorLogSeverity.Info => "info",
        _ => "debug",
    };
}
