using System.Runtime.CompilerServices;

namespace TorRelay.Deploy.Tests;

/// <summary>The repository this test project was compiled from (build outputs may live outside it).</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Deploy(string name) => Path.Combine(Root, "deploy", name);

    private static string FindRoot([CallerFilePath] string thisFile = "")
    {
        var dir = new DirectoryInfo(Path.GetDirectoryName(thisFile)!);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "TorRelay.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException($"no TorRelay.sln above {thisFile}");
    }
}
