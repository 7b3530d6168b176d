namespace TorRelay.Deploy.Tests;

// TorRelay.Directory, a namespace, would shadow it.
using Directory = System.IO.Directory;

public class MakeInstallTests
{
    [Fact]
    public void InstallsTheBinaryTreeUnderPrefixLibWithARunnableBinLink()
    {
        string root = InstalledTree.Root;
        string lib = Path.Combine(root, "usr/local/lib/torrelay");
        string link = Path.Combine(root, "usr/local/bin/torrelay");

        Assert.True(File.Exists(Path.Combine(lib, "torrelay")));
        // The JIT build's managed entry assembly goes with it; the NativeAOT build is the one file.
        Assert.Equal(File.Exists(Path.Combine(RepoPaths.Root, "bin", "torrelay.dll")), File.Exists(Path.Combine(lib, "torrelay.dll")));
        Assert.True((File.GetUnixFileMode(Path.Combine(lib, "torrelay")) & UnixFileMode.OtherExecute) != 0);
        Assert.Equal("../lib/torrelay/torrelay", new FileInfo(link).LinkTarget);

        var version = ProcessRunner.Run(link, ["--version"], root, TimeSpan.FromMinutes(1));
        Assert.Equal(0, version.ExitCode);
        Assert.StartsWith("TorRelay ", version.StdOut);
    }

    [Fact]
    public void InstallsBothUnitsAndTheExampleTorrc()
    {
        string root = InstalledTree.Root;

        Assert.Equal(File.ReadAllText(RepoPaths.Deploy("torrelay.service")),
            File.ReadAllText(Path.Combine(root, "etc/systemd/system/torrelay.service")));
        Assert.Equal(File.ReadAllText(RepoPaths.Deploy("torrelay@.service")),
            File.ReadAllText(Path.Combine(root, "etc/systemd/system/torrelay@.service")));
        Assert.Equal(File.ReadAllText(Path.Combine(RepoPaths.Root, "relay.conf.example")),
            File.ReadAllText(Path.Combine(root, "etc/torrelay/torrc")));
        Assert.True(Directory.Exists(Path.Combine(root, "etc/torrelay/instances")));
    }

    [Fact]
    public void AStagedInstallCreatesNoSystemUser()
    {
        Assert.DoesNotContain("created system user", InstalledTree.InstallOutput);
        Assert.False(Directory.Exists(Path.Combine(InstalledTree.Root, "var")));
    }

    [Fact]
    public void AnExistingTorrcIsKeptAndPrefixReachesTheUnits()
    {
        InstalledTree.EnsureBuilt();
        string root = Directory.CreateTempSubdirectory("torrelay-destdir-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "etc/torrelay"));
            File.WriteAllText(Path.Combine(root, "etc/torrelay/torrc"), "Nickname mine\n");

            var install = InstalledTree.Make("install", $"DESTDIR={root}", "PREFIX=/opt/torrelay");

            Assert.True(install.ExitCode == 0, install.ToString());
            Assert.Equal("Nickname mine\n", File.ReadAllText(Path.Combine(root, "etc/torrelay/torrc")));
            Assert.True(File.Exists(Path.Combine(root, "opt/torrelay/lib/torrelay/torrelay")));
            string unit = File.ReadAllText(Path.Combine(root, "etc/systemd/system/torrelay.service"));
            Assert.Contains("ExecStart=/opt/torrelay/bin/torrelay -f /etc/torrelay/torrc\n", unit);
            Assert.DoesNotContain("/usr/local/", unit);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
