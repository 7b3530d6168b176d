using System.Runtime.CompilerServices;
using TorRelay.Host.Config;

namespace TorRelay.Host.Tests.Config;

public class RelayConfExampleTests
{
    private static string RepoRoot([CallerFilePath] string path = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, "..", "..", ".."));

    private static string ExamplePath => Path.Combine(RepoRoot(), "relay.conf.example");

    [Fact]
    public void ExampleLoadsAsAMiddleRelay()
    {
        var warnings = new List<string>();
        var o = ConfigLoader.LoadFromString(File.ReadAllText(ExamplePath), "relay.conf.example", warnings: warnings);
        Assert.Equal("ididnteditheconfig", o.Nickname);
        Assert.NotNull(o.ContactInfo);
        Assert.Equal("/var/lib/torrelay", o.DataDirectory);
        Assert.Contains(o.ORPorts, p => p.Port == 9001 && p.IsIPv4);
        Assert.Equal(10UL << 20, o.RelayBandwidthRate);
        Assert.False(o.IsExit);
        Assert.Empty(warnings);
    }

    [Fact]
    public void EveryCommentedOptionInTheExampleIsAcceptedWhenEnabled()
    {
        // Uncommenting "#Option value" lines must not produce an unknown-option or syntax error.
        foreach (string line in File.ReadLines(ExamplePath))
        {
            if (!line.StartsWith('#') || line.StartsWith("##") || line.Length < 2 || !char.IsAsciiLetter(line[1]))
                continue;
            string enabled = line[1..];
            string torrc = "ORPort 9001\nContactInfo x\n" + enabled + "\n";
            var e = Record.Exception(() => ConfigLoader.LoadFromString(torrc, "example"));
            Assert.True(e is null, $"'{enabled}': {e?.Message}");
        }
    }
}
