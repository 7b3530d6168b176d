using System.Net;
using TorRelay.Relay.Exit.Dns;

namespace TorRelay.Relay.Tests.Exit.Dns;

/// <summary>
/// ServerDNSDetectHijacking against a nameserver on 127.0.0.1 that answers every name it does not know with one junk
/// address, as an ISP "search page" resolver does. The clock is manual and lookups are awaited, so nothing is timed.
/// </summary>
public sealed class DnsHijackingTests
{
    private const string JunkV4 = "198.51.100.66";
    private const string JunkV6 = "2001:db8::66";
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(30);

    /// <summary>real.example and, unless <paramref name="hijackTestAddresses"/>, the test addresses resolve; all else is junk.</summary>
    private static void Hijack(FakeDnsServer server, bool hijackTestAddresses = false)
    {
        var real = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "real.example" };
        if (!hijackTestAddresses) real.UnionWith(new ExitResolverOptions().TestAddressList);
        server.Answer(q => TestDns.Reply(q, answers:
        [
            q.Type == 28
                ? Rr.Aaaa(null, real.Contains(q.Name) ? "2001:db8::10" : JunkV6)
                : Rr.A(null, real.Contains(q.Name) ? "192.0.2.10" : JunkV4),
        ]));
    }

    /// <summary>Starts the checks and runs one (the first only waits: 60 s with the zero random draw), then its test addresses.</summary>
    private static async Task RunOneCheckAsync(ResolverFixture f, Action? brokenChanged = null)
    {
        f.Resolver.StartCorrectnessChecks(() => true, brokenChanged ?? (() => { }));
        f.Clock.Advance(ExitResolver.FirstHonestyCheckDelay);
        await f.Resolver.WildcardChecks.WaitAsync(HangGuard);
        f.Clock.Advance(ExitResolver.TestAddressDelay);
        await f.Resolver.TestAddressChecks.WaitAsync(HangGuard);
    }

    /// <summary>A resolver behind the hijacking nameserver that has run one check.</summary>
    private static async Task<ResolverFixture> CheckedAsync(bool hijackTestAddresses = false, Action? brokenChanged = null)
    {
        var f = new ResolverFixture().Start();
        Hijack(f.Server, hijackTestAddresses);
        await RunOneCheckAsync(f, brokenChanged);
        return f;
    }

    private static Task<DnsAnswer> ResolveAsync(ResolverFixture f, string name, DnsQueryFamily families = DnsQueryFamily.Ipv4) =>
        f.Resolver.ResolveAsync(name, families, CancellationToken.None).AsTask();

    [Fact]
    public async Task Junk_answers_for_nonexistent_names_become_not_found()
    {
        await using var f = await CheckedAsync();

        var v4 = await ResolveAsync(f, "no-such-name.example");
        var v6 = await ResolveAsync(f, "other-missing.example", DnsQueryFamily.Ipv6);

        Assert.Equal((DnsStatus.NameError, DnsOutcome.NotExist, 0), (v4.Status, v4.Outcome, v4.Addresses.Count));
        Assert.Equal((DnsStatus.NameError, DnsOutcome.NotExist, 0), (v6.Status, v6.Outcome, v6.Addresses.Count));
        Assert.False(f.Resolver.DnsSeemsBroken);
    }

    [Fact]
    public async Task Real_names_still_resolve_after_detection()
    {
        await using var f = await CheckedAsync();

        var answer = await ResolveAsync(f, "real.example", DnsQueryFamily.Both);

        Assert.Equal(DnsStatus.Ok, answer.Status);
        Assert.Equal(["192.0.2.10", "2001:db8::10"], answer.Addresses.Select(a => a.Address.ToString()));
    }

    [Fact]
    public async Task Before_detection_the_junk_address_is_answered()
    {
        await using var f = new ResolverFixture().Start();
        Hijack(f.Server);

        var answer = await ResolveAsync(f, "no-such-name.example");

        Assert.Equal(IPAddress.Parse(JunkV4), Assert.Single(answer.Addresses).Address);
    }

    [Fact]
    public async Task A_wildcarded_answer_is_counted_as_notexist_like_C_tor()
    {
        await using var f = await CheckedAsync();
        int before = f.Metrics.Events.Count(e => e == "error A notexist");

        await ResolveAsync(f, "no-such-name.example");

        Assert.Equal(before + 1, f.Metrics.Events.Count(e => e == "error A notexist"));
    }

    [Fact]
    public async Task A_wildcarded_answer_is_cached_as_a_failure()
    {
        await using var f = await CheckedAsync();
        await ResolveAsync(f, "no-such-name.example");
        int queries = f.Server.QueryCount;

        var again = await ResolveAsync(f, "no-such-name.example");

        Assert.Equal((DnsOutcome.NotExist, queries), (again.Outcome, f.Server.QueryCount));
    }

    [Fact]
    public async Task Test_addresses_redirected_to_the_junk_address_mark_dns_broken()
    {
        int changes = 0;

        await using var f = await CheckedAsync(hijackTestAddresses: true, () => Interlocked.Increment(ref changes));

        Assert.True(f.Resolver.DnsSeemsBroken);
        Assert.Equal(1, Volatile.Read(ref changes));
        Assert.Equal(DnsStatus.NameError, (await ResolveAsync(f, "www.google.com")).Status);
    }

    [Fact]
    public async Task Test_addresses_that_resolve_leave_dns_working()
    {
        await using var f = await CheckedAsync();

        Assert.False(f.Resolver.DnsSeemsBroken);
    }

    [Fact]
    public async Task Two_of_four_redirected_test_addresses_are_not_enough()
    {
        await using var f = new ResolverFixture().Start(o => o with { TestAddresses = "real.example, www.mit.edu,www.google.com ,, real2.example" });
        f.Server.Answer(q => TestDns.Reply(q, answers:
        [
            q.Name is "www.mit.edu" or "real.example"
                ? (q.Type == 28 ? Rr.Aaaa(null, "2001:db8::10") : Rr.A(null, "192.0.2.10"))
                : (q.Type == 28 ? Rr.Aaaa(null, JunkV6) : Rr.A(null, JunkV4)),
        ]));

        await RunOneCheckAsync(f);

        Assert.False(f.Resolver.DnsSeemsBroken); // 2 of 4: C tor needs more than half
        Assert.Equal(DnsOutcome.NotExist, (await ResolveAsync(f, "www.google.com")).Outcome);
    }

    [Fact]
    public async Task Checks_stop_while_dns_seems_broken_and_resume_after_a_reload()
    {
        int changes = 0;
        await using var f = await CheckedAsync(hijackTestAddresses: true, () => Interlocked.Increment(ref changes));
        int queries = f.Server.QueryCount;

        f.Clock.Advance(ExitResolver.HonestyCheckInterval * 2);
        Assert.Equal(queries, f.Server.QueryCount); // our policy is reject *:* now: C tor checks no more

        f.Resolver.Reload(); // nameservers configured again: dns_servers_relaunch_checks
        Assert.False(f.Resolver.DnsSeemsBroken);
        Assert.Equal(2, Volatile.Read(ref changes));
        f.Clock.Advance(TimeSpan.FromSeconds(1));
        await f.Resolver.WildcardChecks.WaitAsync(HangGuard);
        Assert.Equal(queries + 24, f.Server.QueryCount);
    }

    [Fact]
    public async Task Probes_24_random_names_that_should_not_exist_without_the_search_list()
    {
        await using var f = new ResolverFixture(extraConf: "search corp.example\n").Start(o => o with { SearchDomains = true });
        Hijack(f.Server);

        f.Resolver.LaunchCorrectnessChecks();
        await f.Resolver.WildcardChecks.WaitAsync(HangGuard);

        var queries = new List<ReceivedQuery>();
        for (int i = 0; i < 24; i++) queries.Add(await f.Server.NextQueryAsync());
        Assert.Equal(24, f.Server.QueryCount);
        Assert.Equal(12, queries.Count(q => q.Type == 1));
        Assert.Equal(12, queries.Count(q => q.Type == 28));
        Assert.DoesNotContain(queries, q => q.Name.EndsWith("corp.example", StringComparison.Ordinal));
        foreach (string suffix in (string[])[".invalid", ".test", ".com", ".org", ".net"])
            Assert.Equal(4, queries.Count(q => q.Name.EndsWith(suffix, StringComparison.Ordinal)));
        Assert.Equal(4, queries.Count(q => !q.Name.Contains('.')));
    }

    [Fact]
    public async Task First_check_waits_a_minute_then_checks_again_after_twelve_hours()
    {
        await using var f = new ResolverFixture().Start(); // zero random draws: the shortest delays
        Hijack(f.Server);
        f.Resolver.StartCorrectnessChecks(() => true, () => { });

        f.Clock.Advance(ExitResolver.FirstHonestyCheckDelay - TimeSpan.FromSeconds(1));
        Assert.Equal(0, f.Server.QueryCount);
        f.Clock.Advance(TimeSpan.FromSeconds(1));
        await f.Resolver.WildcardChecks.WaitAsync(HangGuard);
        Assert.Equal(24, f.Server.QueryCount);

        f.Clock.Advance(ExitResolver.TestAddressDelay);
        await f.Resolver.TestAddressChecks.WaitAsync(HangGuard);
        Assert.Equal(24 + 8, f.Server.QueryCount); // A and AAAA for each of the four test addresses

        f.Clock.Advance(ExitResolver.HonestyCheckInterval - ExitResolver.TestAddressDelay - TimeSpan.FromSeconds(1));
        Assert.Equal(32, f.Server.QueryCount);
        f.Clock.Advance(TimeSpan.FromSeconds(1));
        await f.Resolver.WildcardChecks.WaitAsync(HangGuard);
        Assert.Equal(32 + 24, f.Server.QueryCount);
    }

    [Fact]
    public async Task A_relay_that_is_no_public_exit_does_not_check()
    {
        await using var f = new ResolverFixture().Start();
        Hijack(f.Server);

        f.Resolver.StartCorrectnessChecks(() => false, () => { });
        f.Clock.Advance(TimeSpan.FromMinutes(10));

        Assert.Equal(0, f.Server.QueryCount);
    }

    [Fact]
    public async Task ServerDNSDetectHijacking_0_leaves_answers_alone()
    {
        await using var f = new ResolverFixture().Start(o => o with { DetectHijacking = false });
        Hijack(f.Server, hijackTestAddresses: true);

        f.Resolver.StartCorrectnessChecks(() => true, () => { });
        f.Resolver.LaunchCorrectnessChecks();
        f.Clock.Advance(TimeSpan.FromDays(1));

        Assert.Equal(0, f.Server.QueryCount);
        var answer = await ResolveAsync(f, "no-such-name.example");
        Assert.Equal(IPAddress.Parse(JunkV4), Assert.Single(answer.Addresses).Address);
        Assert.False(f.Resolver.DnsSeemsBroken);
    }
}
