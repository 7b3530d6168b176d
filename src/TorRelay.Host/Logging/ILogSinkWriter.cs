namespace TorRelay.Host.Logging;

/// <summary>One destination of formatted log lines; implementations are thread-safe and flush every line.</summary>
internal interface ILogSinkWriter : IDisposable
{
    /// <param name="timestamp">tor's time prefix, e.g. "Nov 22 12:34:56.000".</param>
    /// <param name="body">"[notice] message" without the time prefix.</param>
    /// <param name="message">The message alone (syslog adds its own prefix).</param>
    void Write(TorLogSeverity severity, string timestamp, string body, string message);
}
