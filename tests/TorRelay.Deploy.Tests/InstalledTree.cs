namespace TorRelay.Deploy.Tests;

// TorRelay.Directory, a namespace, would shadow it.
using Directory = System.IO.Directory;

/// <summary>
/// One <c>make install DESTDIR=...</c> of this checkout, shared by the tests that inspect it; runs
/// <c>make build</c> first when bin/torrelay is missing.
/// </summary>
internal static class InstalledTree
{
    private static readonly Lazy<(string Root, string Output)> Installed = new(InstallOnce);
    private static readonly Lock BuildGate = new();

    public static string Root => Installed.Value.Root;

    public static string InstallOutput => Installed.Value.Output;

    public static ProcessRunner.Result Make(params string[] args) =>
        ProcessRunner.Run("make", ["-C", RepoPaths.Root, .. args], RepoPaths.Root, TimeSpan.FromMinutes(9));

    public static void EnsureBuilt()
    {
        lock (BuildGate)
        {
            if (File.Exists(Path.Combine(RepoPaths.Root, "bin", "torrelay"))) return;
            var build = Make("build");
            if (build.ExitCode != 0) throw new InvalidOperationException("make build failed\n" + build);
        }
    }

    private static (string, string) InstallOnce()
    {
        EnsureBuilt();
        string root = Directory.CreateTempSubdirectory("torrelay-destdir-").FullName;
        // Shared by several test classes, so removed when the test process ends.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(root, recursive: true);
        var install = Make("install", $"DESTDIR={root}");
        if (install.ExitCode != 0) throw new InvalidOperationException("make install failed\n" + install);
        return (root, install.StdOut + install.StdErr);
    }
}
