using Microsoft.Extensions.Logging;

namespace TorRelay.Host.Logging;

/// <summary>A category's logger; formatting is deferred until a sink wants the severity.</summary>
internal sealed class TorLogger(TorLoggerProvider provider, string category) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) =>
        logLevel != LogLevel.None && provider.IsEnabled(TorLogSeverities.FromLogLevel(logLevel));

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
        Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
            return;
        string message = formatter(state, exception);
        if (exception is not null)
            message = message.Length == 0 ? exception.ToString() : message + ": " + exception;
        provider.Log(TorLogSeverities.FromLogLevel(logLevel), category, message);
    }
}
