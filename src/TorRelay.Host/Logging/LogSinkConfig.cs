namespace TorRelay.Host.Logging;

/// <summary>
/// A parsed tor <c>Log</c> line: <c>[[domain,...]]minSeverity[-maxSeverity] ... stderr|stdout|syslog|file FILENAME</c>.
/// </summary>
/// <param name="Path">The file for <see cref="LogDestination.File"/> ("~" expanded), else null.</param>
/// <param name="Spec">The value as written, for messages.</param>
public sealed record LogSinkConfig(LogDestination Destination, string? Path, IReadOnlyList<LogSeverityRange> Ranges, string Spec)
{
    /// <summary>tor's default with no Log line: <c>notice stdout</c>.</summary>
    public static LogSinkConfig Default { get; } = new(LogDestination.Stdout, null,
        [new LogSeverityRange(TorLogSeverity.Notice, TorLogSeverity.Err, null)], "notice stdout");

    /// <summary>
    /// Whether messages of this severity are written. torrelay's loggers are not split into tor's domains, so only
    /// ranges that cover all domains decide; domain-restricted ranges are accepted but select nothing.
    /// </summary>
    public bool Accepts(TorLogSeverity severity)
    {
        foreach (LogSeverityRange r in Ranges)
        {
            if (r.Domains is null && r.Contains(severity))
                return true;
        }
        return false;
    }
}
