namespace TorRelay.Host.Logging;

/// <summary>
/// Writes "timestamp [severity] message" lines to a TextWriter (stdout, stderr or a file) under a lock, each flushed
/// whole, so a line reaches the file in one write.
/// </summary>
internal sealed class TextLogSinkWriter(TextWriter writer, bool ownsWriter) : ILogSinkWriter
{
    private readonly Lock _lock = new();

    public void Write(TorLogSeverity severity, string timestamp, string body, string message)
    {
        // One write of the whole line: an autoflushing writer (the console's) makes a system call per Write.
        string line = string.Concat(timestamp, " ", body, "\n");
        lock (_lock)
        {
            writer.Write(line);
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
