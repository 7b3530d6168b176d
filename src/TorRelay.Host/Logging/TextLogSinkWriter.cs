namespace TorRelay.Host.Logging;

/// <summary>Writes "timestamp [severity] message" lines to a TextWriter (stdout, stderr or a file) under a lock.</summary>
internal sealed class TextLogSinkWriter(TextWriter writer, bool ownsWriter) : ILogSinkWriter
{
    private readonly Lock _lock = new();

    public void Write(TorLogSeverity severity, string timestamp, string body, string message)
    {
        lock (_lock)
        {
            writer.Write(timestamp);
            writer.Write(' ');
            writer.Write(body);
            writer.Write('\n');
            writer.Flush();
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            writer.Flush();
            if (ownsWriter)
                writer.Dispose();
        }
    }
}
