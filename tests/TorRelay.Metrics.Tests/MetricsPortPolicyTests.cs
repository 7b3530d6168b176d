using System.Net;

namespace TorRelay.Metrics.Tests;

/// <summary>MetricsPortPolicy decisions as C tor's metrics_policy_permits_address makes them.</summary>
public sealed class MetricsPortPolicyTests
{
    private static bool Permits(string address, params string[] policy) =>
        MetricsPortPolicy.Parse(policy).Permits(IPAddress.Parse(address));

    [Fact]
    public void An_empty_policy_rejects_everyone()
    {
        Assert.False(Permits("127.0.0.1"));
        Assert.False(Permits("::1"));
        Assert.False(MetricsPortPolicy.RejectAll.Permits(IPAddress.Loopback));
    }

    [Theory]
    [InlineData("accept 127.0.0.1", "127.0.0.1", true)]
    [InlineData("accept 127.0.0.1", "127.0.0.2", false)]
    [InlineData("accept 127.0.0.0/8", "127.200.3.4", true)]
    [InlineData("accept 127.0.0.0/8", "128.0.0.1", false)]
    [InlineData("accept 10.0.0.0/255.0.0.0", "10.9.8.7", true)]
    [InlineData("accept 10.0.0.0/255.0.0.0", "11.0.0.1", false)]
    [InlineData("accept *", "192.0.2.1", true)]
    [InlineData("accept *", "2001:db8::1", true)]
    [InlineData("accept *4", "192.0.2.1", true)]
    [InlineData("accept *4", "2001:db8::1", false)]
    [InlineData("accept *6", "2001:db8::1", true)]
    [InlineData("accept *6", "192.0.2.1", false)]
    [InlineData("accept [::1]", "::1", true)]
    [InlineData("accept [::1]", "127.0.0.1", false)]
    [InlineData("accept [2001:db8::]/32", "2001:db8:ffff::1", true)]
    [InlineData("accept [2001:db8::]/32", "2001:db9::1", false)]
    [InlineData("accept6 *", "::1", true)]
    [InlineData("accept6 *", "127.0.0.1", false)]
    [InlineData("accept private:*", "192.168.1.1", true)]
    [InlineData("accept private:*", "172.31.255.255", true)]
    [InlineData("accept private:*", "fe80::1", true)]
    [InlineData("accept private:*", "8.8.8.8", false)]
    [InlineData("accept 127.0.0.1:9035", "127.0.0.1", true)] // ports are ignored, as tor does
    [InlineData("accept 127.0.0.1:1-2", "127.0.0.1", true)]
    [InlineData("accept 1.2.3.4/", "9.9.9.9", true)] // tor reads an empty mask as /0
    [InlineData("accept [::ffff:10.0.0.0]/8", "::ffff:10.1.2.3", true)] // v4-mapped masks map onto 96+ bits
    public void One_entry(string entry, string address, bool permitted) => Assert.Equal(permitted, Permits(address, entry));

    [Fact]
    public void The_first_matching_entry_decides()
    {
        string[] policy = ["reject 127.0.0.2", "accept 127.0.0.0/8", "reject *"];
        Assert.False(Permits("127.0.0.2", policy));
        Assert.True(Permits("127.0.0.3", policy));
        Assert.False(Permits("10.0.0.1", policy));
        Assert.True(Permits("127.0.0.2", "accept 127.0.0.0/8", "reject 127.0.0.2"));
    }

    [Fact]
    public void Comma_separated_entries_in_one_line_are_all_read()
    {
        Assert.True(Permits("127.0.0.5", "reject 10.0.0.0/8, accept 127.0.0.0/8"));
        Assert.False(Permits("10.0.0.5", "reject 10.0.0.0/8, accept *"));
    }

    [Fact]
    public void Accept6_with_an_ipv4_address_or_private_is_ignored_as_tor_ignores_it()
    {
        Assert.False(Permits("127.0.0.1", "accept6 127.0.0.1"));
        Assert.False(Permits("192.168.0.1", "accept6 private:*"));
        Assert.True(Permits("127.0.0.1", "accept6 127.0.0.1", "accept 127.0.0.1"));
    }

    [Fact]
    public void A_null_address_is_decided_by_the_first_entry_covering_all_addresses()
    {
        Assert.True(Permits("0.0.0.0", "reject 127.0.0.1", "accept *"));
        Assert.False(Permits("0.0.0.0", "accept 127.0.0.1"));
    }

    [Theory]
    [InlineData("allow 127.0.0.1")]
    [InlineData("accept")]
    [InlineData("accept 127.0.0.1 127.0.0.2")]
    [InlineData("accept 127.0.0.256")]
    [InlineData("accept 127.0.0.01")]
    [InlineData("accept 127.0.0.0/33")]
    [InlineData("accept 127.0.0.0/255.0.255.0")]
    [InlineData("accept */8")]
    [InlineData("accept [::1")]
    [InlineData("accept ::1")]
    [InlineData("accept 127.0.0.1:70000")]
    [InlineData("accept 127.0.0.1:20-10")]
    [InlineData("accept private")]
    [InlineData("ACCEPT 127.0.0.1")]
    public void Malformed_entries_fail_the_whole_policy(string entry)
    {
        Assert.False(MetricsPortPolicy.TryParse(["accept *", entry], out MetricsPortPolicy policy, out string error));
        Assert.NotEmpty(error);
        Assert.False(policy.Permits(IPAddress.Loopback));
        Assert.Throws<FormatException>(() => MetricsPortPolicy.Parse([entry]));
    }
}
