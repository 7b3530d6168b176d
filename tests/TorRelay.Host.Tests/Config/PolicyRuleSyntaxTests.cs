using TorRelay.Host.Config;

namespace TorRelay.Host.Tests.Config;

public class PolicyRuleSyntaxTests
{
    [Theory]
    [InlineData("accept *:*")]
    [InlineData("reject *:25")]
    [InlineData("reject *:135-139")]
    [InlineData("accept 18.7.22.69:*")]
    [InlineData("reject 18.0.0.0/8:*")]
    [InlineData("reject 18.0.0.0/255.0.0.0:80")]
    [InlineData("accept 127.0.0.1")]
    [InlineData("reject6 [FC00::]/7:*")]
    [InlineData("accept6 [C000::]/3:*")]
    [InlineData("accept [2001:db8::1]:443")]
    [InlineData("accept *4:80")]
    [InlineData("reject *6:*")]
    [InlineData("reject private:*")]
    [InlineData("accept6 *:80")]
    [InlineData("reject  *:6881-6999")]
    public void AcceptsTorRules(string rule)
    {
        Assert.True(PolicyRuleSyntax.TryParseRule(rule, out string normalized, out string error, out _), error);
        Assert.DoesNotContain("  ", normalized);
    }

    [Theory]
    [InlineData("allow *:*")]
    [InlineData("Accept *:*")]
    [InlineData("accept")]
    [InlineData("accept *:* extra")]
    [InlineData("accept 1.2.3.4/33:*")]
    [InlineData("accept 1.2.3.4/255.0.255.0:*")]
    [InlineData("accept */8:*")]
    [InlineData("accept 1.2.3:*")]
    [InlineData("accept ::1:80")]
    [InlineData("accept [::1:80")]
    [InlineData("accept *:80-20")]
    [InlineData("accept *:70000")]
    [InlineData("accept *:http")]
    [InlineData("reject private")]
    [InlineData("accept example.com:80")]
    public void RejectsMalformedRules(string rule)
    {
        Assert.False(PolicyRuleSyntax.TryParseRule(rule, out _, out _, out _));
    }

    [Fact]
    public void SplitsALineAtCommasAndNamesTheLineOnError()
    {
        var line = new ConfigLine("ExitPolicy", "accept 18.7.22.69:*, reject 18.0.0.0/8:* ,,accept *:*", "t.conf", 4);
        Assert.Equal(["accept 18.7.22.69:*", "reject 18.0.0.0/8:*", "accept *:*"], PolicyRuleSyntax.ParseLine(line));

        var bad = line with { Value = "accept *:80,rejekt *:*" };
        var e = Assert.Throws<ConfigException>(() => PolicyRuleSyntax.ParseLine(bad));
        Assert.StartsWith("t.conf:4: Invalid policy entry 'rejekt *:*'", e.Message);
    }

    [Fact]
    public void EntriesTorIgnoresAreLeftOutWithTorsWarningNamingTheLine()
    {
        // policy_parse.c: accept6/reject6 with an IPv4 address (or "private", whose address is AF_UNSPEC) is a
        // non-fatal error: tor warns and goes on with the rest of the list.
        var line = new ConfigLine("ExitPolicy", "accept6 1.2.3.4:80, accept *:443, reject6 private:*, accept6 [::1]:22", "t.conf", 7);
        var warnings = new List<string>();

        Assert.Equal(["accept *:443", "accept6 [::1]:22"], PolicyRuleSyntax.ParseLine(line, warnings));
        Assert.Equal(2, warnings.Count);
        Assert.Equal("t.conf:7: IPv4 address '1.2.3.4:80' with accept6/reject6 field type in exit policy. Ignoring, but " +
                     "continuing to parse rules. (Use accept/reject with IPv4 addresses.)", warnings[0]);
        Assert.StartsWith("t.conf:7: 'private:*' with accept6/reject6 field type in exit policy. Ignoring", warnings[1]);
    }
}
