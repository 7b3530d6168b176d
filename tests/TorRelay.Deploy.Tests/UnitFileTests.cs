namespace TorRelay.Deploy.Tests;

// TorRelay.Directory, a namespace, would shadow it.
using Directory = System.IO.Directory;

/// <summary>
/// The units as installed by <c>make install DESTDIR=root</c>, checked by systemd's own tools with --root=root (so
/// ExecStart= resolves to the installed binary); the root gets the host's system targets and /bin/kill.
/// </summary>
public class UnitFileTests
{
    private static readonly Lazy<string> VerifyRoot = new(PrepareRoot);

    private static string PrepareRoot()
    {
        string root = InstalledTree.Root;
        string units = Path.Combine(root, "usr/lib/systemd/system");
        Directory.CreateDirectory(units);
        foreach (var file in Directory.EnumerateFiles("/usr/lib/systemd/system"))
            if (file.EndsWith(".target") || file.EndsWith(".slice"))
                File.Copy(file, Path.Combine(units, Path.GetFileName(file)), overwrite: true);
        Directory.CreateDirectory(Path.Combine(root, "usr/bin"));
        File.Copy("/usr/bin/kill", Path.Combine(root, "usr/bin/kill"), overwrite: true);
        if (!Path.Exists(Path.Combine(root, "bin")))
            File.CreateSymbolicLink(Path.Combine(root, "bin"), "usr/bin");
        return root;
    }

    private static ProcessRunner.Result Analyze(params string[] args) =>
        ProcessRunner.Run("systemd-analyze", args, VerifyRoot.Value, TimeSpan.FromMinutes(2));

    [Theory]
    [InlineData("torrelay.service")]
    [InlineData("torrelay@.service")]
    public void SystemdAnalyzeVerifiesTheInstalledUnitWithoutAWarning(string unit)
    {
        var result = Analyze("verify", $"--root={VerifyRoot.Value}", unit);

        Assert.True(result.ExitCode == 0, result.ToString());
        // Unknown keys and bad values are only warnings to verify: any output is a defect.
        Assert.Equal("", result.StdErr.Trim());
    }

    [Fact]
    public void VerifyWouldFailWereTheBinaryMissing()
    {
        string root = Directory.CreateTempSubdirectory("torrelay-noexe-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "etc/systemd/system"));
            File.Copy(RepoPaths.Deploy("torrelay.service"), Path.Combine(root, "etc/systemd/system/torrelay.service"));

            var result = ProcessRunner.Run("systemd-analyze", ["verify", $"--root={root}", "torrelay.service"], root,
                TimeSpan.FromMinutes(2));

            Assert.NotEqual(0, result.ExitCode);
            Assert.Contains("/usr/local/bin/torrelay is not executable", result.StdErr);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Theory]
    [InlineData("torrelay.service")]
    [InlineData("torrelay@.service")]
    public void SystemdAnalyzeSecurityRatesTheSandboxOk(string unit)
    {
        // systemd's exposure scale: below 2.0 is "OK", 10 is "UNSAFE".
        var result = Analyze("security", "--offline=yes", $"--root={VerifyRoot.Value}", "--threshold=20",
            "--no-pager", unit);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Matches(@"Overall exposure level for torrelay@?\w*\.service: 1\.\d OK", result.StdOut);
    }

    [Theory]
    [InlineData("torrelay.service")]
    [InlineData("torrelay@.service")]
    public void TheUnitFollowsTorsSignalsAndKeepsTheJitWorking(string unit)
    {
        var keys = UnitKeys(unit);

        Assert.Equal(["notify"], keys["Type"]);
        Assert.Equal(["SIGINT"], keys["KillSignal"]);
        Assert.Equal("/bin/kill -HUP $MAINPID", keys["ExecReload"][^1]);
        // SIGINT waits ShutdownWaitLength (30 s by default) before exiting: systemd must wait longer.
        Assert.True(int.Parse(keys["TimeoutStopSec"][0]) > 30);
        Assert.Equal(["_torrelay"], keys["User"]);
        Assert.Equal(["CAP_NET_BIND_SERVICE"], keys["CapabilityBoundingSet"]);
        Assert.Equal(["CAP_NET_BIND_SERVICE"], keys["AmbientCapabilities"]);
        Assert.Equal(["strict"], keys["ProtectSystem"]);
        Assert.Equal(["AF_UNIX AF_INET AF_INET6 AF_NETLINK"], keys["RestrictAddressFamilies"]);
        Assert.Equal(["65536"], keys["LimitNOFILE"]);
        Assert.Equal(["on-failure"], keys["Restart"]);
        Assert.False(keys.ContainsKey("MemoryDenyWriteExecute"), "the .NET JIT needs writable-then-executable pages");
    }

    [Fact]
    public void TheTemplateGivesEachInstanceItsOwnTorrcAndDataDirectory()
    {
        var keys = UnitKeys("torrelay@.service");

        Assert.Equal(
            ["/usr/local/bin/torrelay -f /etc/torrelay/instances/%i/torrc --DataDirectory /var/lib/torrelay/%i"],
            keys["ExecStart"]);
        Assert.Equal(["torrelay/%i"], keys["StateDirectory"]);
        Assert.Equal(["/var/lib/torrelay/%i"], keys["ReadWritePaths"]);
    }

    [Fact]
    public void TheSingleUnitRunsTheExampleTorrcsDataDirectory()
    {
        var keys = UnitKeys("torrelay.service");
        string example = File.ReadAllText(Path.Combine(RepoPaths.Root, "relay.conf.example"));

        Assert.Equal(["/usr/local/bin/torrelay -f /etc/torrelay/torrc"], keys["ExecStart"]);
        Assert.Contains("\nDataDirectory /var/lib/torrelay\n", example);
        Assert.Equal(["/var/lib/torrelay"], keys["ReadWritePaths"]);
        Assert.Equal(["torrelay"], keys["StateDirectory"]);
    }

    private static Dictionary<string, List<string>> UnitKeys(string unit)
    {
        var keys = new Dictionary<string, List<string>>();
        foreach (var raw in File.ReadAllLines(RepoPaths.Deploy(unit)))
        {
            string line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or ';' or '[') continue;
            int eq = line.IndexOf('=');
            string key = line[..eq], value = line[(eq + 1)..];
            if (!keys.TryGetValue(key, out var values)) keys[key] = values = new List<string>();
            values.Add(value);
        }
        return keys;
    }
}
