using TorRelay.Host.CommandLine;
using TorRelay.Host.Config;
using TorRelay.Host.Logging;

namespace TorRelay.Host.Tests.Config;

public class ConfigLoaderTests
{
    [Fact]
    public void LoadsDefaultsThenTorrcThenCommandLine()
    {
        using var dir = new TempDir();
        string defaults = dir.Write("defaults", "Nickname fromDefaults\nContactInfo defaults\nLog warn stderr\nORPort 9001\n");
        string torrc = dir.Write("torrc", "Nickname fromTorrc\nLog notice stdout\n");
        var cmd = CommandLineOptions.Parse(["-f", torrc, "--defaults-torrc", defaults, "--ContactInfo", "cmdline",
            "--+Log", "err stderr"]);
        var o = ConfigLoader.Load(cmd);
        Assert.Equal("fromTorrc", o.Nickname);
        Assert.Equal("cmdline", o.ContactInfo);
        Assert.Equal(["notice stdout", "err stderr"], o.Logs.Select(l => l.Spec));
        Assert.Equal(2, o.ORPorts.Count);
    }

    [Fact]
    public void ErrorsNameTheFileThatHoldsTheLine()
    {
        using var dir = new TempDir();
        string inc = dir.Write("inc.conf", "ContactInfo x\nFrobnicate 1\n");
        string torrc = dir.Write("torrc", $"ORPort 9001\n%include {inc}\n");
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(CommandLineOptions.Parse(["-f", torrc])));
        Assert.Equal($"{inc}:2: Unknown option 'Frobnicate'.  Failing.", e.Message);
    }

    [Fact]
    public void MissingExplicitTorrcIsAnErrorUnlessAllowed()
    {
        using var dir = new TempDir();
        string missing = Path.Combine(dir.Path, "nope");
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(CommandLineOptions.Parse(["-f", missing])));
        Assert.Equal($"Unable to open configuration file \"{missing}\".", e.Message);

        var warnings = new List<string>();
        var o = ConfigLoader.Load(CommandLineOptions.Parse(["-f", missing, "--allow-missing-torrc", "--ORPort", "9001"]), warnings);
        Assert.Equal("Unnamed", o.Nickname);
        Assert.Contains(warnings, w => w.Contains("not present, using reasonable defaults"));
    }

    [Theory]
    [InlineData(QuietLevel.None, 1)]
    [InlineData(QuietLevel.Hush, 1)]
    [InlineData(QuietLevel.Silent, 0)]
    public void QuietLevelsPickTheDefaultLogs(QuietLevel quiet, int count)
    {
        var logs = ConfigLoader.DefaultLogs(quiet);
        Assert.Equal(count, logs.Count);
        if (quiet == QuietLevel.Hush)
            Assert.False(logs[0].Accepts(TorLogSeverity.Notice));
    }
}
