using System.Net;
using System.Net.Sockets;
using TorRelay.Directory.Policy;

namespace TorRelay.Directory.Tests.Policy;

/// <summary>torrc policy entries; cases from C tor's src/test/test_policy.c and the ExitPolicy man page entry.</summary>
public sealed class PolicyRuleParseTests
{
    private static PolicyRule[] Parse(string entry)
    {
        Assert.True(PolicyRule.TryParse(entry, out PolicyRule[] rules, out string error), error);
        return rules;
    }

    private static PolicyRule Single(string entry) => Assert.Single(Parse(entry));

    [Fact]
    public void NetworkWithAllPortsParsesToOneRule()
    {
        PolicyRule r = Single("reject 192.168.0.0/16:*");
        Assert.Equal(PolicyAction.Reject, r.Action);
        Assert.Equal(IPAddress.Parse("192.168.0.0"), r.Address);
        Assert.Equal(16, r.MaskBits);
        Assert.Equal((1, 65535), ((int)r.PortMin, (int)r.PortMax));
    }

    [Fact]
    public void StarExpandsToAnIPv4AndAnIPv6Wildcard()
    {
        PolicyRule[] rules = Parse("accept *:80-443");
        Assert.Equal(["accept *4:80-443", "accept *6:80-443"], rules.Select(r => r.ToString()));
        Assert.All(rules, r => Assert.True(r.IsWildcard));
    }

    [Theory]
    [InlineData("accept6 *:*", "accept *6:*")]
    [InlineData("reject6 *:*", "reject *6:*")]
    [InlineData("accept *4:*", "accept *4:*")]
    [InlineData("reject *6:25", "reject *6:25")]
    public void Accept6StarAndFamilyWildcardsAreOneFamilyOnly(string entry, string expected) =>
        Assert.Equal(expected, Single(entry).ToString());

    [Theory]
    [InlineData("accept6 1.2.3.4:*")]
    [InlineData("reject6 2.4.6.0/24:*")]
    [InlineData("accept6 *4:*")]
    public void Accept6WithAnIPv4AddressIsIgnoredWithAWarning(string entry)
    {
        var warnings = new List<string>();
        Assert.True(PolicyRule.TryParse(entry, out PolicyRule[] rules, out _, warnings));
        Assert.Empty(rules);
        Assert.Contains("accept6/reject6", Assert.Single(warnings));
    }

    [Fact]
    public void Reject6PrivateIsIgnoredAsInCTorsCode()
    {
        // The man page says "private" with accept6/reject6 still expands; C tor's parser drops it.
        var warnings = new List<string>();
        Assert.True(PolicyRule.TryParse("reject6 private:*,accept *:80", out PolicyRule[] rules, out _, warnings));
        Assert.Equal(["accept *4:80", "accept *6:80"], rules.Select(r => r.ToString()));
        Assert.Single(warnings);
    }

    [Fact]
    public void OneEntryGivesItsRulesOrCTorsReasonOrWhyItIsIgnored()
    {
        Assert.True(PolicyRule.TryParseEntry("accept *:80", out PolicyRule[] rules, out _, out string ignored));
        Assert.Equal(["accept *4:80", "accept *6:80"], rules.Select(r => r.ToString()));
        Assert.Equal("", ignored);

        Assert.False(PolicyRule.TryParseEntry("accept 1.2.3.4/33:*", out rules, out string error, out _));
        Assert.Empty(rules);
        Assert.Equal("Bad number of mask bits (33) on address range; rejecting.", error);

        Assert.True(PolicyRule.TryParseEntry("reject6 private:*", out rules, out error, out ignored));
        Assert.Empty(rules);
        Assert.Equal("", error);
        Assert.Contains("accept6/reject6", ignored);
    }

    [Fact]
    public void PrivateExpandsToCTorsPrivateNetworksInOrder()
    {
        PolicyRule[] rules = Parse("reject private:80");
        Assert.Equal(
        [
            "reject 0.0.0.0/8:80", "reject 169.254.0.0/16:80", "reject 127.0.0.0/8:80", "reject 192.168.0.0/16:80",
            "reject 10.0.0.0/8:80", "reject 172.16.0.0/12:80", "reject [::]/8:80", "reject [fc00::]/7:80",
            "reject [fe80::]/10:80", "reject [fec0::]/10:80", "reject [ff00::]/8:80", "reject [::]/127:80",
        ], rules.Select(r => r.ToString()));
    }

    [Theory]
    [InlineData("bad_token *4:*")]
    [InlineData("accept6 **:*")]
    [InlineData("accept */15:*")]
    [InlineData("reject6 */:*")]
    [InlineData("accept 127.0.0.1/33:*")]
    [InlineData("accept6 [::1]/129:*")]
    [InlineData("reject 8.8.8.8/-1:*")]
    [InlineData("reject 8.8.4.4:10-5")]
    [InlineData("reject 1.2.3.4:-1")]
    [InlineData("accept acce::abcd")] // ambiguous unbracketed IPv6: the first ':' starts the ports
    [InlineData("accept 7:1234")]
    [InlineData("accept ::")]
    [InlineData("accept")]
    [InlineData("accept 1.2.3.4:80 5.6.7.8:80")]
    [InlineData("Accept *:80")]
    [InlineData("reject private")]
    [InlineData("reject 01.2.3.4:*")] // tor_inet_aton refuses octal-looking octets
    [InlineData("reject 1.2.3:*")]
    [InlineData("reject 1.2.3.4:80x")]
    [InlineData("reject 1.2.3.4:65536")]
    [InlineData("accept *:0")] // tor 0.4.9.11 refuses port 0
    [InlineData("accept *:0-10")]
    [InlineData("reject 1.2.3.4/255.0.255.0:*")]
    [InlineData("reject [::1:*")]
    [InlineData("reject [::ffff:1.2.3.4]/64:*")]
    [InlineData("reject [fe80::1%eth0]:*")]
    [InlineData("reject [1:2:3:4:5:6:7:]:*")]
    public void MalformedEntriesAreRejected(string entry)
    {
        Assert.False(PolicyRule.TryParse(entry, out PolicyRule[] rules, out string error));
        Assert.Empty(rules);
        Assert.NotEmpty(error);
    }

    [Fact]
    public void OneMalformedEntryDiscardsTheWholeList()
    {
        Assert.False(PolicyRule.TryParse("accept *:80, accept *:443x, reject *:*", out PolicyRule[] rules, out string error));
        Assert.Empty(rules);
        Assert.Contains("*:443x", error);
    }

    [Fact]
    public void ListsSkipBlankEntriesAndSpaces()
    {
        PolicyRule[] rules = Parse(" accept  *4:80 ,, reject\t*4:* ,");
        Assert.Equal(["accept *4:80", "reject *4:*"], rules.Select(r => r.ToString()));
    }

    [Theory]
    [InlineData("accept *4", 1, 65535)]
    [InlineData("accept *4:", 1, 65535)]
    [InlineData("accept *4:*", 1, 65535)]
    [InlineData("accept *4:80", 80, 80)]
    [InlineData("accept *4:79-81", 79, 81)]
    [InlineData("accept *4:80-90abc", 80, 90)] // parse_port_range ignores junk after the upper port
    public void PortRangesParseAsParsePortRange(string entry, int min, int max)
    {
        PolicyRule r = Single(entry);
        Assert.Equal((min, max), ((int)r.PortMin, (int)r.PortMax));
    }

    [Theory]
    [InlineData("reject 10.1.2.0/255.255.255.0:*", "10.1.2.0", 24)]
    [InlineData("reject 10.1.2.3:*", "10.1.2.3", 32)]
    [InlineData("reject 10.1.2.3/8:*", "10.1.2.3", 8)] // host bits stay, as C tor keeps them
    [InlineData("reject [2001:db8::]/32:*", "2001:db8::", 32)]
    [InlineData("reject6 2607:5300::/32", "2607:5300::", 32)] // unbracketed IPv6 parses when a mask follows
    [InlineData("reject [::1]:*", "::1", 128)]
    [InlineData("reject [::ffff:1.2.3.4]/24:*", "::ffff:1.2.3.4", 120)] // IPv4-mapped masks map onto 96-128
    [InlineData("reject [::ffff:1.2.3.4]/128:*", "::ffff:1.2.3.4", 96)] // ... with C tor's 96 + 128 % 32
    [InlineData("reject [1.2.3.4]:*", "1.2.3.4", 32)]
    [InlineData("reject 1.2.3.4/:*", "1.2.3.4", 0)] // strtol("") converts "everything": /0
    public void AddressesAndMasksParseAsTorAddrParseMaskPorts(string entry, string address, int bits)
    {
        PolicyRule r = Single(entry);
        Assert.Equal(IPAddress.Parse(address), r.Address);
        Assert.Equal(bits, r.MaskBits);
    }

    [Fact]
    public void AnOptPrefixIsSkippedAsTheNetdocTokenizerDoes() =>
        Assert.Equal("accept *4:80", Parse("opt accept *:80")[0].ToString());

    [Theory]
    [InlineData("reject6 [FC00::]/7:*", "reject [fc00::]/7:*", "reject6 [fc00::]/7:*")]
    [InlineData("accept6 [C000::]/3:*", "accept [c000::]/3:*", "accept6 [c000::]/3:*")]
    [InlineData("reject 8.8.8.8:*", "reject 8.8.8.8:*", "reject 8.8.8.8:*")]
    [InlineData("accept *4:80-443", "accept *4:80-443", "accept *:80-443")]
    [InlineData("reject *6:*", "reject *6:*", "reject6 *:*")]
    [InlineData("accept [2001:0db8:0:0:1:0:0:1]:22", "accept [2001:db8::1:0:0:1]:22", "accept6 [2001:db8::1:0:0:1]:22")]
    [InlineData("accept [::ffff:10.0.0.1]:22", "accept [::ffff:10.0.0.1]:22", "accept6 [::ffff:10.0.0.1]:22")]
    [InlineData("accept [::1.2.3.4]:22", "accept [::1.2.3.4]:22", "accept6 [::1.2.3.4]:22")]
    public void RulesFormatAsPolicyWriteItem(string entry, string torrc, string descriptor)
    {
        PolicyRule r = Single(entry);
        Assert.Equal(torrc, r.ToString());
        Assert.Equal(descriptor, r.ToDescriptorString());
    }

    [Fact]
    public void RulesFromTheConstructorEqualParsedOnes()
    {
        Assert.Equal(Single("reject 10.0.0.0/8:25"), new PolicyRule(PolicyAction.Reject, IPAddress.Parse("10.0.0.0"), 8, 25, 25));
        Assert.Equal(Single("accept *6:*"), PolicyRule.Wildcard(PolicyAction.Accept, AddressFamily.InterNetworkV6));
    }
}
