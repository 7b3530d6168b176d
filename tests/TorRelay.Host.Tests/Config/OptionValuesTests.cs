using TorRelay.Host.Config;

namespace TorRelay.Host.Tests.Config;

public class OptionValuesTests
{
    private static OptionValues Assign(params string[] domains) =>
        OptionValues.Assign(domains.Select((d, i) => (TorrcParser.ParseString(d, $"d{i}"), false)));

    [Fact]
    public void KeywordsAreCaseInsensitiveAndCanonicalised()
    {
        var v = Assign("nickname abc\nORPORT 9001\n");
        Assert.Equal("abc", v.Single("Nickname")!.Value);
        Assert.Single(v.List("ORPort"));
    }

    [Fact]
    public void RepeatedSingletonKeepsTheLastValueAndWarns()
    {
        var v = Assign("Nickname a\nNickname b\n");
        Assert.Equal(("b", 2), (v.Single("Nickname")!.Value, v.Single("Nickname")!.Line));
        Assert.Contains(v.Warnings, w => w.Contains("Option 'Nickname' used more than once"));
    }

    [Fact]
    public void LineListKeepsEveryLineInOrder()
    {
        var v = Assign("ExitPolicy accept *:80\nNickname a\nExitPolicy reject *:*\n");
        Assert.Equal(["accept *:80", "reject *:*"], v.List("ExitPolicy").Select(l => l.Value));
    }

    [Fact]
    public void HigherDomainReplacesListUnlessItAppends()
    {
        var replaced = Assign("ExitPolicy accept *:80\n", "ExitPolicy reject *:*\nExitPolicy accept *:443\n");
        Assert.Equal(["reject *:*", "accept *:443"], replaced.List("ExitPolicy").Select(l => l.Value));

        var appended = Assign("ExitPolicy accept *:80\n", "+ExitPolicy reject *:*\n");
        Assert.Equal(["accept *:80", "reject *:*"], appended.List("ExitPolicy").Select(l => l.Value));
    }

    [Fact]
    public void SlashClearsAListFromALowerDomain()
    {
        var v = Assign("Log notice stdout\n", "/Log\n");
        Assert.Empty(v.List("Log"));
        Assert.False(v.IsSet("Log"));
    }

    [Fact]
    public void EmptySingletonResetsToDefaultAndEmptyListValueIsSkippedWithWarning()
    {
        var v = Assign("Nickname abc\n", "Nickname\nExitPolicy\n");
        Assert.Null(v.Single("Nickname"));
        Assert.Empty(v.List("ExitPolicy"));
        Assert.Contains(v.Warnings, w => w.Contains("Linelist option 'ExitPolicy' has no value. Skipping."));
    }

    [Fact]
    public void UnknownOptionNamesFileAndLine()
    {
        var e = Assert.Throws<ConfigException>(() =>
            OptionValues.Assign([(TorrcParser.ParseString("Nickname a\n\nFoo bar\n", "relay.conf"), false)]));
        Assert.Equal("relay.conf:3: Unknown option 'Foo'.  Failing.", e.Message);
        Assert.Equal(("relay.conf", 3), (e.Origin, e.Line));
    }

    [Fact]
    public void TorOptionWeLackIsReportedAsUnsupported()
    {
        var e = Assert.Throws<ConfigException>(() => Assign("HiddenServiceDir /tmp/hs\n"));
        Assert.Equal("d0:1: Option 'HiddenServiceDir' is a tor option that torrelay does not support.", e.Message);
    }

    [Fact]
    public void TorAbbreviationsResolve()
    {
        var v = Assign("DirServer auth 127.0.0.1:7000 0000000000000000000000000000000000000000\nNumCPU 2\n");
        Assert.Single(v.List("DirAuthority"));
        Assert.Equal("2", v.Single("NumCPUs")!.Value);
    }

    [Fact]
    public void ShortLogAbbreviationOnlyOnTheCommandLine()
    {
        var cmd = new List<ConfigLine> { new("l", "warn stderr", "command line", 0) };
        Assert.Single(OptionValues.Assign([(cmd, true)]).List("Log"));
        Assert.Throws<ConfigException>(() => Assign("l warn stderr\n"));
    }
}
