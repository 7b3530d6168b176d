using System.Reflection;

namespace TorRelay.Interop;

/// <summary>Where the repository and our relay's binary are.</summary>
public static class RepoPaths
{
    /// <summary>The directory holding TorRelay.sln: walk up from the test assembly, else the path baked in at build.</summary>
    public static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TorRelay.sln")))
                return dir.FullName;
        }
        string? baked = typeof(RepoPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "RepoRoot")?.Value;
        if (baked is not null && File.Exists(Path.Combine(baked, "TorRelay.sln")))
            return Path.GetFullPath(baked);
        throw new InvalidOperationException($"no TorRelay.sln above {AppContext.BaseDirectory}");
    }

    /// <summary>$TORRELAY_BIN, else &lt;repo root&gt;/bin/torrelay.</summary>
    public static string RelayBinary() =>
        Environment.GetEnvironmentVariable("TORRELAY_BIN") is { Length: > 0 } bin
            ? Path.GetFullPath(bin)
            : Path.Combine(RepoRoot(), "bin", "torrelay");
}
