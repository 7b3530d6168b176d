using TorRelay.Host.CommandLine;
using TorRelay.Host.Config;

namespace TorRelay.Host.Tests.CommandLine;

public class CommandLineOptionsTests
{
    [Fact]
    public void NoArgumentsRunsWithTheDefaultTorrc()
    {
        var o = CommandLineOptions.Parse([]);
        Assert.Equal(RelayCommand.Run, o.Command);
        Assert.Null(o.TorrcPath);
        Assert.Empty(o.Overrides);
    }

    [Theory]
    [InlineData("--verify-config", RelayCommand.VerifyConfig)]
    [InlineData("--version", RelayCommand.Version)]
    [InlineData("--help", RelayCommand.Help)]
    [InlineData("-h", RelayCommand.Help)]
    [InlineData("--list-fingerprint", RelayCommand.ListFingerprint)]
    [InlineData("--list-torrc-options", RelayCommand.ListTorrcOptions)]
    public void RecognisesTorsCommands(string arg, RelayCommand command)
    {
        Assert.Equal(command, CommandLineOptions.Parse(["-f", "/etc/x", arg]).Command);
    }

    [Fact]
    public void ReadsFilesAndFlags()
    {
        var o = CommandLineOptions.Parse(["-f", "/etc/torrelay/torrc", "--defaults-torrc", "/etc/torrelay/defaults",
            "--allow-missing-torrc", "--hush"]);
        Assert.Equal("/etc/torrelay/torrc", o.TorrcPath);
        Assert.Equal("/etc/torrelay/defaults", o.DefaultsTorrcPath);
        Assert.True(o.AllowMissingTorrc);
        Assert.Equal(QuietLevel.Hush, o.Quiet);
        Assert.Equal("/x", CommandLineOptions.Parse(["--torrc-file", "/x"]).TorrcPath);
    }

    [Fact]
    public void OptionalArgumentOfListFingerprintNeverStartsWithADash()
    {
        var o = CommandLineOptions.Parse(["--list-fingerprint", "--ORPort", "9001"]);
        Assert.Equal(RelayCommand.ListFingerprint, o.Command);
        Assert.Equal(("ORPort", "9001"), (o.Overrides[0].Key, o.Overrides[0].Value));
    }

    [Fact]
    public void TorrcOptionsTakeOneOrTwoDashesOrNoneWithAppendAndClear()
    {
        var o = CommandLineOptions.Parse(["--Nickname", "a", "-ORPort", "9001", "ContactInfo", "me", "--+ExitPolicy",
            "accept *:80", "--/Log"]);
        Assert.Equal(
            [("Nickname", "a", ConfigLineCommand.Normal), ("ORPort", "9001", ConfigLineCommand.Normal),
             ("ContactInfo", "me", ConfigLineCommand.Normal), ("ExitPolicy", "accept *:80", ConfigLineCommand.Append),
             ("Log", "", ConfigLineCommand.Clear)],
            o.Overrides.Select(l => (l.Key, l.Value, l.Command)));
        Assert.All(o.Overrides, l => Assert.Equal(CommandLineOptions.Source, l.Source));
    }

    [Theory]
    [InlineData(new[] { "-f" }, "command line: Command-line option '-f' with no value. Failing.")]
    [InlineData(new[] { "--ORPort" }, "command line: Command-line option '--ORPort' with no value. Failing.")]
    [InlineData(new[] { "--keygen" }, "command line: '--keygen' is a tor command that torrelay does not support.")]
    [InlineData(new[] { "--hash-password", "x" }, "command line: '--hash-password' is a tor command that torrelay does not support.")]
    public void BadArgumentsAreErrors(string[] args, string message)
    {
        Assert.Equal(message, Assert.Throws<ConfigException>(() => CommandLineOptions.Parse(args)).Message);
    }
}
