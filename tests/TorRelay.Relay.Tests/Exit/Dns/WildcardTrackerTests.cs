using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using TorRelay.Relay.Exit.Dns;

namespace TorRelay.Relay.Tests.Exit.Dns;

/// <summary>C tor's thresholds in dns.c: wildcard_increment_answer and add_wildcarded_test_address.</summary>
public sealed class WildcardTrackerTests
{
    private static readonly IPAddress Junk = IPAddress.Parse("198.51.100.66");
    private static readonly string[] TestAddresses = ["www.google.com", "www.mit.edu", "www.yahoo.com", "www.slashdot.org"];

    private static WildcardTracker Tracker() => new(TestAddresses, NullLogger.Instance);

    private static void Probe(WildcardTracker t, int times, DnsOutcome outcome = DnsOutcome.Success)
    {
        for (int i = 0; i < times; i++)
            t.NoteProbeAnswer($"probe{i}.com", outcome, outcome == DnsOutcome.Success ? [Junk] : []);
    }

    [Fact]
    public void An_address_is_wildcarded_only_after_more_than_ten_probes()
    {
        var t = Tracker();
        Probe(t, 10);
        Assert.False(t.IsWildcarded(Junk)); // seen 10 times, but n_wildcard_requests is not yet > 10

        Probe(t, 1);
        Assert.True(t.IsWildcarded(Junk));
    }

    [Fact]
    public void An_address_needs_more_than_five_answers()
    {
        var t = Tracker();
        Probe(t, 20, DnsOutcome.NotExist);
        Probe(t, 5);
        Assert.False(t.IsWildcarded(Junk));

        Probe(t, 1);
        Assert.True(t.IsWildcarded(Junk));
        Assert.False(t.IsWildcarded(IPAddress.Parse("192.0.2.1")));
    }

    [Fact]
    public void Every_address_of_a_probe_answer_is_counted()
    {
        var t = Tracker();
        var other = IPAddress.Parse("2001:db8::66");
        Probe(t, 11, DnsOutcome.Timeout);
        for (int i = 0; i < 6; i++) t.NoteProbeAnswer("x.net", DnsOutcome.Success, [other, Junk]);

        Assert.True(t.IsWildcarded(Junk));
        Assert.True(t.IsWildcarded(other));
    }

    [Fact]
    public void Dns_seems_broken_once_more_than_half_the_test_addresses_are_redirected()
    {
        var t = Tracker();
        Assert.False(t.NoteWildcardedTestAddress("www.google.com"));
        Assert.False(t.NoteWildcardedTestAddress("WWW.GOOGLE.COM")); // the same one again, in another case
        Assert.False(t.NoteWildcardedTestAddress("www.mit.edu"));
        Assert.False(t.SeemsBroken);

        Assert.True(t.NoteWildcardedTestAddress("www.yahoo.com"));
        Assert.True(t.SeemsBroken);
        Assert.False(t.NoteWildcardedTestAddress("www.slashdot.org")); // already broken: nothing new to publish
    }

    [Fact]
    public void Test_addresses_match_ignoring_case()
    {
        var t = Tracker();
        Assert.True(t.IsTestAddress("WWW.Mit.Edu"));
        Assert.False(t.IsTestAddress("mit.edu"));
    }

    [Fact]
    public void Reset_forgets_everything()
    {
        var t = Tracker();
        Probe(t, 11);
        t.NoteWildcardedTestAddress("www.google.com");
        t.NoteWildcardedTestAddress("www.mit.edu");
        t.NoteWildcardedTestAddress("www.yahoo.com");

        Assert.True(t.Reset());

        Assert.False(t.SeemsBroken);
        Assert.False(t.IsWildcarded(Junk));
        Probe(t, 6);
        Assert.False(t.IsWildcarded(Junk)); // the probe count started again too
        Assert.False(t.Reset());
    }
}
