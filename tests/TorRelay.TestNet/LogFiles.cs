using System.Text;

namespace TorRelay.TestNet;

/// <summary>Reading log files that their writers still hold open.</summary>
public static class LogFiles
{
    public static string ReadAll(string path)
    {
        if (!File.Exists(path))
            return "";
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    /// <summary>What was written to <paramref name="path"/> after its first <paramref name="offset"/> bytes.</summary>
    public static string ReadFrom(string path, long offset)
    {
        if (!File.Exists(path))
            return "";
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        stream.Position = Math.Min(offset, stream.Length);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    public static IReadOnlyList<string> ReadLines(string path) =>
        ReadAll(path).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();

    public static string Tail(string path, int lines)
    {
        var all = ReadLines(path);
        return string.Join("\n", all.Skip(Math.Max(0, all.Count - lines)));
    }
}
