using TorRelay.Host.Config;
using TorRelay.Relay.Exit.Dns;

namespace TorRelay.Host.Tests.Config;

/// <summary>ServerDNSDetectHijacking and ServerDNSTestAddresses from torrc to the exit's resolver (defaults from `man tor`).</summary>
public sealed class ServerDnsHijackingOptionsTests
{
    private const string Base = "ORPort 127.0.0.1:9001\nAddress 127.0.0.1\nDataDirectory /tmp/torrelay-dns-hijacking-options-test\n";

    private static ExitResolverOptions Map(string lines) =>
        RelaySettingsMapper.Map(ConfigLoader.LoadFromString(Base + lines), new List<string>()).Dns;

    [Fact]
    public void Defaults_are_tors()
    {
        var dns = Map("");
        Assert.True(dns.DetectHijacking);
        Assert.Equal(["www.google.com", "www.mit.edu", "www.yahoo.com", "www.slashdot.org"], dns.TestAddressList);
    }

    [Fact]
    public void ServerDNSDetectHijacking_0_turns_detection_off()
    {
        Assert.False(Map("ServerDNSDetectHijacking 0\n").DetectHijacking);
    }

    [Fact]
    public void ServerDNSTestAddresses_is_a_csv_list_with_spaces_and_blanks_dropped()
    {
        var dns = Map("ServerDNSTestAddresses www.example.com, Www.Example.Org ,,www.example.net\n");
        Assert.Equal(["www.example.com", "Www.Example.Org", "www.example.net"], dns.TestAddressList);
    }

    [Fact]
    public void The_last_ServerDNSTestAddresses_line_wins()
    {
        var dns = Map("ServerDNSTestAddresses a.example\nServerDNSTestAddresses b.example,c.example\n");
        Assert.Equal(["b.example", "c.example"], dns.TestAddressList);
    }

    [Fact]
    public void Unchanged_options_compare_equal_so_a_reload_restarts_nothing()
    {
        const string Lines = "ServerDNSTestAddresses a.example,b.example\n";
        Assert.Equal(Map(Lines), Map(Lines));
    }

    [Fact]
    public void A_non_boolean_ServerDNSDetectHijacking_is_refused()
    {
        var e = Assert.Throws<ConfigException>(() => Map("ServerDNSDetectHijacking maybe\n"));
        Assert.Contains("ServerDNSDetectHijacking", e.Message);
    }
}
