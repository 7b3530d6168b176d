using System.Globalization;

namespace TorRelay.Host.Signals;

/// <summary>
/// tor's PidFile: our PID and a newline, written at start; removed at exit (by <see cref="Dispose"/>) unless another
/// process has written its own PID there since.
/// </summary>
public sealed class PidFile : IDisposable
{
    private readonly string _contents;
    private bool _removed;

    private PidFile(string path, string contents)
    {
        Path = path;
        _contents = contents;
    }

    public string Path { get; }

    /// <summary>Writes the file; false with the reason when it cannot be written (tor then refuses to start).</summary>
    public static bool TryCreate(string path, out PidFile? pidFile, out string? error)
    {
        return TryCreate(path, Environment.ProcessId, out pidFile, out error);
    }

    /// <summary>As <see cref="TryCreate(string, out PidFile?, out string?)"/> for a given <paramref name="pid"/>.</summary>
    public static bool TryCreate(string path, int pid, out PidFile? pidFile, out string? error)
    {
        string contents = pid.ToString(CultureInfo.InvariantCulture) + "\n";
        try
        {
            File.WriteAllText(path, contents);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException
                                       or NotSupportedException)
        {
            pidFile = null;
            error = e.Message;
            return false;
        }
        pidFile = new PidFile(path, contents);
        error = null;
        return true;
    }

    public void Dispose()
    {
        if (_removed) return;
        _removed = true;
        try
        {
            if (File.Exists(Path) && File.ReadAllText(Path) == _contents)
                File.Delete(Path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // As tor: nothing useful to do about a PID file we cannot remove at exit.
        }
    }
}
