using Microsoft.Extensions.Logging;

namespace TorRelay.TestNet;

/// <summary>A plain ILogger onto a TextWriter (console, file), timestamped, for the exe and the test fixture.</summary>
public sealed class TextWriterLogger(TextWriter writer, LogLevel minimum = LogLevel.Information) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum && logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
        Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
            return;
        string line = $"{DateTime.Now:HH:mm:ss.fff} [testnet] {formatter(state, exception)}";
        if (exception is not null)
            line += Environment.NewLine + exception;
        lock (writer)
        {
            writer.WriteLine(line);
            writer.Flush();
        }
    }
}
