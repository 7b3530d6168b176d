using TorRelay.Host.Signals;

namespace TorRelay.Deploy.Tests;

// TorRelay.Directory, a namespace, would shadow it.
using Directory = System.IO.Directory;

public sealed class PidFileTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("torrelay-pid-");

    [Fact]
    public void WritesOurPidAndANewlineAndRemovesItOnDispose()
    {
        string path = Path.Combine(_dir.FullName, "torrelay.pid");

        Assert.True(PidFile.TryCreate(path, out var pidFile, out var error), error);
        Assert.Equal($"{Environment.ProcessId}\n", File.ReadAllText(path));

        pidFile!.Dispose();
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void LeavesAFileAnotherProcessRewrote()
    {
        string path = Path.Combine(_dir.FullName, "torrelay.pid");
        Assert.True(PidFile.TryCreate(path, 1234, out var pidFile, out _));
        File.WriteAllText(path, "5678\n");

        pidFile!.Dispose();

        Assert.Equal("5678\n", File.ReadAllText(path));
    }

    [Fact]
    public void AnUnwritablePathFailsWithTheReason()
    {
        string path = Path.Combine(_dir.FullName, "no-such-dir", "torrelay.pid");

        Assert.False(PidFile.TryCreate(path, out var pidFile, out var error));
        Assert.Null(pidFile);
        Assert.False(string.IsNullOrEmpty(error));
    }

    public void Dispose() => _dir.Delete(recursive: true);
}
