using System.Runtime.InteropServices;

namespace TorRelay.Relay.Keys;

/// <summary>Owner-only directories and atomic, durable key file writes.</summary>
internal static partial class PrivateFiles
{
    public const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    public const UnixFileMode KeyFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Creates the directory 0700, or tightens an existing one to 0700 as C tor's check_private_dir does.</summary>
    /// <returns>True when the mode had to be fixed.</returns>
    public static bool EnsureDirectory(string path)
    {
        if (!System.IO.Directory.Exists(path))
        {
            System.IO.Directory.CreateDirectory(path, DirectoryMode);
            return false;
        }
        if ((File.GetUnixFileMode(path) & ~DirectoryMode) == 0) return false;
        File.SetUnixFileMode(path, DirectoryMode);
        return true;
    }

    /// <summary>
    /// Writes a temporary file (0600) in the same directory, fsyncs it, renames it over <paramref name="path"/> and
    /// fsyncs the directory, so a crash leaves either the old or the new file.
    /// </summary>
    public static void WriteAtomic(string path, ReadOnlySpan<byte> contents, DateTimeOffset? modified = null)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var temp = Path.Combine(directory, $"{Path.GetFileName(path)}.tmp-{Guid.NewGuid():N}");
        try
        {
            var options = new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                Share = FileShare.None,
                UnixCreateMode = KeyFileMode,
            };
            using (var stream = new FileStream(temp, options))
            {
                stream.Write(contents);
                stream.Flush(flushToDisk: true);
            }
            if (modified is { } time) File.SetLastWriteTimeUtc(temp, time.UtcDateTime);
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
        SyncDirectory(directory);
    }

    /// <summary>rename(2) within the directory, then fsync it (C tor's replace_file).</summary>
    public static void Replace(string from, string to)
    {
        File.Move(from, to, overwrite: true);
        SyncDirectory(Path.GetDirectoryName(Path.GetFullPath(to))!);
    }

    public static void DeleteIfExists(string path)
    {
        if (!File.Exists(path)) return;
        File.Delete(path);
        SyncDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    /// <summary>A file that exists and is not empty (C tor treats empty key files as absent).</summary>
    public static bool HasContent(string path) => new FileInfo(path) is { Exists: true, Length: > 0 };

    private const int O_RDONLY = 0;
    private const int O_DIRECTORY = 0x10000; // Linux

    private static void SyncDirectory(string directory)
    {
        int fd = open(directory, O_RDONLY | O_DIRECTORY);
        if (fd < 0) return; // best effort: the file itself is already fsynced
        try { _ = fsync(fd); }
        finally { _ = close(fd); }
    }

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int open(string path, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int fsync(int fd);

    [LibraryImport("libc")]
    private static partial int close(int fd);
}
