using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using TorRelay.Relay.Exit.Dns;
using TorRelay.Relay.Tests.Keys;

namespace TorRelay.Relay.Tests.Exit.Dns;

public sealed class ExitResolverTests
{
    private static readonly TimeSpan Timeout = new ExitResolverOptions().Timeout;

    [Fact]
    public async Task Resolves_A_records_with_a_clipped_ttl()
    {
        await using var f = new ResolverFixture().Start();
        f.Server.Answer(q => TestDns.Reply(q, answers: [Rr.A(null, "192.0.2.1", 10), Rr.A(null, "192.0.2.2", 10)]));

        var answer = await f.Resolver.ResolveAsync("www.example.com", DnsQueryFamily.Ipv4, CancellationToken.None);

        Assert.Equal(DnsStatus.Ok, answer.Status);
        Assert.Equal(["192.0.2.1", "192.0.2.2"], answer.Addresses.Select(a => a.Address.ToString()));
        Assert.Equal(DnsTtl.Min - DnsTtl.Fuzzy, answer.Ttl); // TTL 10 clips to 300; the zero draw blurs it by -240
        var query = await f.Server.NextQueryAsync();
        Assert.Equal(("www.example.com", (ushort)1, false), (query.Name, query.Type, query.ViaTcp));
    }

    [Fact]
    public async Task Resolves_both_families_ipv4_first_and_reports_the_ipv4_ttl()
    {
        await using var f = new ResolverFixture().Start(random: new ConstantRandom(0xFF));
        f.Server.Answer(q => q.Type == 28
            ? TestDns.Reply(q, answers: [Rr.Aaaa(null, "2001:db8::1", 10)])
            : TestDns.Reply(q, answers: [Rr.A(null, "192.0.2.1", 86400)]));

        var answer = await f.Resolver.ResolveAsync("dual.example", DnsQueryFamily.Both, CancellationToken.None);

        Assert.Equal(["192.0.2.1", "2001:db8::1"], answer.Addresses.Select(a => a.Address.ToString()));
        Assert.InRange(answer.Ttl, DnsTtl.Max - DnsTtl.Fuzzy, DnsTtl.Max + DnsTtl.Fuzzy);
        Assert.InRange(answer.Addresses[1].Ttl, DnsTtl.Min - DnsTtl.Fuzzy, DnsTtl.Min + DnsTtl.Fuzzy);
    }

    [Fact]
    public async Task Resolves_AAAA_only_when_asked_for_ipv6()
    {
        await using var f = new ResolverFixture().Start();
        f.Server.Answer(q => TestDns.Reply(q, answers: [Rr.Aaaa(null, "2001:db8::53")]));

        var answer = await f.Resolver.ResolveAsync("v6.example", DnsQueryFamily.Ipv6, CancellationToken.None);

        Assert.Equal(IPAddress.Parse("2001:db8::53"), Assert.Single(answer.Addresses).Address);
        Assert.Equal((ushort)28, (await f.Server.NextQueryAsync()).Type);
        Assert.Equal(1, f.Server.QueryCount);
    }

    [Fact]
    public async Task Reverse_lookup_asks_the_in_addr_arpa_name()
    {
        await using var f = new ResolverFixture().Start();
        f.Server.Answer(q => TestDns.Reply(q, answers: [Rr.Ptr(null, "host.example.org")]));

        var answer = await f.Resolver.ResolvePtrAsync(IPAddress.Parse("192.0.2.7"), CancellationToken.None);

        Assert.Equal((DnsStatus.Ok, "host.example.org"), (answer.Status, answer.Hostname));
        var query = await f.Server.NextQueryAsync();
        Assert.Equal(("7.2.0.192.in-addr.arpa", (ushort)12), (query.Name, query.Type));
    }

    [Fact]
    public async Task Follows_a_cname_chain_to_the_addresses()
    {
        await using var f = new ResolverFixture().Start();
        f.Server.Answer(q => TestDns.Reply(q, answers:
        [
            Rr.Cname(null, "alias.example.net"),
            Rr.A("other.example", "198.51.100.9"),
            Rr.Cname("alias.example.net", "real.example.org"),
            Rr.A("real.example.org", "203.0.113.5"),
        ]));

        var answer = await f.Resolver.ResolveAsync("www.example.com", DnsQueryFamily.Ipv4, CancellationToken.None);

        Assert.Equal(IPAddress.Parse("203.0.113.5"), Assert.Single(answer.Addresses).Address);
    }

    [Fact]
    public async Task Nxdomain_is_a_name_error_and_is_cached()
    {
        await using var f = new ResolverFixture().Start();
        f.Server.Answer(q => TestDns.Reply(q, rcode: 3, authority: [Rr.Soa("example.com", 3600, 60)]));

        var first = await f.Resolver.ResolveAsync("nope.example.com", DnsQueryFamily.Ipv4, CancellationToken.None);
        var second = await f.Resolver.ResolveAsync("nope.example.com", DnsQueryFamily.Ipv4, CancellationToken.None);

        Assert.Equal((DnsStatus.NameError, DnsOutcome.NotExist), (first.Status, first.Outcome));
        Assert.Equal(DnsTtl.Min - DnsTtl.Fuzzy, first.Ttl); // SOA minimum 60 is a "low" TTL
        Assert.Equal((first.Status, first.Ttl), (second.Status, second.Ttl));
        Assert.Equal(1, f.Server.QueryCount);
        Assert.Equal(["query A", "error A notexist"], f.Metrics.Events);
    }

    [Fact]
    public async Task Servfail_from_every_nameserver_is_a_transient_timeout()
    {
        await using var f = new ResolverFixture(servers: 2).Start();
        foreach (var server in f.Servers) server.Answer(q => TestDns.Reply(q, rcode: 2));

        var answer = await f.Resolver.ResolveAsync("broken.example", DnsQueryFamily.Ipv4, CancellationToken.None);

        Assert.Equal((DnsStatus.TransientError, DnsOutcome.Timeout), (answer.Status, answer.Outcome));
        Assert.Equal([1, 1], f.Servers.Select(s => s.QueryCount)); // two attempts, one per nameserver
        Assert.Equal(["query A", "error A tor_timeout"], f.Metrics.Events);
    }

    [Fact]
    public async Task Refused_is_reissued_to_another_nameserver()
    {
        await using var f = new ResolverFixture(servers: 2).Start();
        f.Servers[0].Answer(q => TestDns.Reply(q, rcode: 5));
        f.Servers[1].Answer(q => TestDns.Reply(q, answers: [Rr.A(null, "192.0.2.80")]));

        var answer = await f.Resolver.ResolveAsync("picky.example", DnsQueryFamily.Ipv4, CancellationToken.None);

        Assert.Equal(DnsStatus.Ok, answer.Status);
    }

    [Fact]
    public async Task A_silent_nameserver_times_out_and_the_next_one_answers()
    {
        await using var f = new ResolverFixture(servers: 2).Start();
        f.Servers[1].Answer(q => TestDns.Reply(q, answers: [Rr.A(null, "192.0.2.44")]));

        var pending = f.Resolver.ResolveAsync("slow.example", DnsQueryFamily.Ipv4, CancellationToken.None).AsTask();
        await f.Servers[0].NextQueryAsync();
        Assert.False(pending.IsCompleted);
        f.Clock.Advance(Timeout);
        var answer = await pending;

        Assert.Equal(IPAddress.Parse("192.0.2.44"), Assert.Single(answer.Addresses).Address);
    }

    [Fact]
    public async Task Giving_up_after_the_attempts_is_a_transient_error()
    {
        await using var f = new ResolverFixture().Start();

        var pending = f.Resolver.ResolveAsync("void.example", DnsQueryFamily.Ipv4, CancellationToken.None).AsTask();
        for (int attempt = 0; attempt < 2; attempt++)
        {
            await f.Server.NextQueryAsync();
            f.Clock.Advance(Timeout);
        }
        var answer = await pending;

        Assert.Equal((DnsStatus.TransientError, DnsOutcome.Timeout), (answer.Status, answer.Outcome));
        Assert.Equal(2, f.Server.QueryCount);
    }

    [Fact]
    public async Task A_truncated_answer_is_asked_again_over_tcp()
    {
        await using var f = new ResolverFixture().Start();
        f.Server.Answer(q => q.ViaTcp
            ? TestDns.Reply(q, answers: [Rr.A(null, "192.0.2.99")])
            : TestDns.Reply(q, truncated: true));

        var answer = await f.Resolver.ResolveAsync("big.example", DnsQueryFamily.Ipv4, CancellationToken.None);

        Assert.Equal(IPAddress.Parse("192.0.2.99"), Assert.Single(answer.Addresses).Address);
        bool firstViaTcp = (await f.Server.NextQueryAsync()).ViaTcp;
        bool secondViaTcp = (await f.Server.NextQueryAsync()).ViaTcp;
        Assert.Equal((false, true), (firstViaTcp, secondViaTcp));
    }

    [Fact]
    public async Task Packets_with_another_id_or_question_are_ignored()
    {
        await using var f = new ResolverFixture().Start(random: new ConstantRandom(0x11));
        f.Server.Handler = q => Task.FromResult<byte[][]>(
        [
            TestDns.Reply(q, answers: [Rr.A(null, "6.6.6.6")], id: (ushort)(q.Id ^ 1)),
            TestDns.Reply(q, answers: [Rr.A(null, "6.6.6.7")], question: TestDns.Name("evil.example").Concat(q.QuestionBytes[^4..]).ToArray()),
            TestDns.Reply(q, answers: [Rr.A(null, "192.0.2.10")]),
        ]);

        var answer = await f.Resolver.ResolveAsync("target.example", DnsQueryFamily.Ipv4, CancellationToken.None);

        Assert.Equal(IPAddress.Parse("192.0.2.10"), Assert.Single(answer.Addresses).Address);
    }

    [Fact]
    public async Task Randomised_case_must_be_echoed_exactly()
    {
        await using var f = new ResolverFixture().Start(o => o with { RandomizeCase = true }, new ConstantRandom(0xFF));
        f.Server.Handler = q => Task.FromResult<byte[][]>(
        [
            TestDns.Reply(q, answers: [Rr.A(null, "6.6.6.6")], question: TestDns.LowercasedQuestion(q)),
            TestDns.Reply(q, answers: [Rr.A(null, "192.0.2.20")]),
        ]);

        var answer = await f.Resolver.ResolveAsync("www.example.com", DnsQueryFamily.Ipv4, CancellationToken.None);

        Assert.Equal("WWW.EXAMPLE.COM", (await f.Server.NextQueryAsync()).Name); // every random bit set: every letter flipped
        Assert.Equal(IPAddress.Parse("192.0.2.20"), Assert.Single(answer.Addresses).Address);
    }

    [Fact]
    public async Task A_lowercase_echo_of_a_randomised_query_is_never_taken()
    {
        await using var f = new ResolverFixture().Start(o => o with { RandomizeCase = true, Attempts = 1 }, new ConstantRandom(0xFF));
        f.Server.Answer(q => TestDns.Reply(q, answers: [Rr.A(null, "6.6.6.6")], question: TestDns.LowercasedQuestion(q)));

        var pending = f.Resolver.ResolveAsync("www.example.com", DnsQueryFamily.Ipv4, CancellationToken.None).AsTask();
        await f.Server.NextQueryAsync();
        f.Clock.Advance(Timeout);

        Assert.Equal(DnsStatus.TransientError, (await pending).Status);
    }

    [Fact]
    public async Task Without_randomisation_the_echo_may_differ_in_case()
    {
        await using var f = new ResolverFixture().Start();
        f.Server.Answer(q => TestDns.Reply(q, answers: [Rr.A(null, "192.0.2.21")],
            question: TestDns.Name("WWW.Example.COM").Concat(q.QuestionBytes[^4..]).ToArray()));

        var answer = await f.Resolver.ResolveAsync("www.example.com", DnsQueryFamily.Ipv4, CancellationToken.None);

        Assert.Equal(DnsStatus.Ok, answer.Status);
    }

    [Fact]
    public async Task Answers_are_cached_for_their_reported_ttl_and_then_asked_again()
    {
        await using var f = new ResolverFixture().Start(random: new ConstantRandom(0x42));
        f.Server.Answer(q => TestDns.Reply(q, answers: [Rr.A(null, "192.0.2.30", 7200)]));

        var first = await f.Resolver.ResolveAsync("Cached.Example", DnsQueryFamily.Ipv4, CancellationToken.None);
        f.Clock.Advance(TimeSpan.FromSeconds(first.Ttl - 1));
        var hit = await f.Resolver.ResolveAsync("cached.example", DnsQueryFamily.Ipv4, CancellationToken.None);
        Assert.Equal(1, f.Server.QueryCount);
        f.Clock.Advance(TimeSpan.FromSeconds(1));
        await f.Resolver.ResolveAsync("cached.example", DnsQueryFamily.Ipv4, CancellationToken.None);

        Assert.Equal(first.Addresses, hit.Addresses);
        Assert.Equal(first.Ttl, hit.Ttl); // C tor reports the stored TTL, not what is left of it
        Assert.Equal(2, f.Server.QueryCount);
        Assert.Equal("cached.example", (await f.Server.NextQueryAsync()).Name); // names are lower-cased, as C tor does
    }

    [Fact]
    public async Task Identical_concurrent_lookups_share_one_query()
    {
        await using var f = new ResolverFixture().Start();
        var release = new TaskCompletionSource();
        f.Server.Handler = async q =>
        {
            await release.Task;
            return [TestDns.Reply(q, answers: [Rr.A(null, "192.0.2.40")])];
        };

        var lookups = Enumerable.Range(0, 20)
            .Select(_ => f.Resolver.ResolveAsync("popular.example", DnsQueryFamily.Ipv4, CancellationToken.None).AsTask())
            .ToArray();
        await f.Server.NextQueryAsync();
        release.SetResult();
        var answers = await Task.WhenAll(lookups);

        Assert.All(answers, a => Assert.Equal(IPAddress.Parse("192.0.2.40"), Assert.Single(a.Addresses).Address));
        Assert.Equal(1, f.Server.QueryCount);
    }

    [Theory]
    [InlineData("192.0.2.1", "192.0.2.1")]
    [InlineData("2001:db8::1", "2001:db8::1")]
    [InlineData("[2001:db8::2]", "2001:db8::2")]
    public async Task Address_literals_are_answered_without_a_query(string literal, string expected)
    {
        await using var f = new ResolverFixture().Start();

        var answer = await f.Resolver.ResolveAsync(literal, DnsQueryFamily.Ipv4, CancellationToken.None);

        Assert.Equal((DnsStatus.Ok, DnsTtl.Default), (answer.Status, answer.Ttl));
        Assert.Equal(IPAddress.Parse(expected), Assert.Single(answer.Addresses).Address);
        Assert.Equal(0, f.Server.QueryCount);
    }

    [Theory]
    [InlineData("www.example.com/path")]
    [InlineData("user@example.com")]
    [InlineData("bad name.example")]
    [InlineData("4.3.2.1.in-addr.arpa")]
    [InlineData("a..b")]
    public async Task Invalid_destinations_are_refused_without_a_query(string name)
    {
        await using var f = new ResolverFixture().Start();

        var answer = await f.Resolver.ResolveAsync(name, DnsQueryFamily.Ipv4, CancellationToken.None);

        Assert.Equal(DnsStatus.NameError, answer.Status);
        Assert.Equal(0, f.Server.QueryCount);
    }

    [Fact]
    public async Task Non_rfc953_names_are_looked_up_when_allowed()
    {
        await using var f = new ResolverFixture().Start(o => o with { AllowNonRFC953Hostnames = true });
        f.Server.Answer(q => TestDns.Reply(q, answers: [Rr.A(null, "192.0.2.50")]));

        var answer = await f.Resolver.ResolveAsync("odd*name.example", DnsQueryFamily.Ipv4, CancellationToken.None);

        Assert.Equal(DnsStatus.Ok, answer.Status);
        Assert.Equal("odd*name.example", (await f.Server.NextQueryAsync()).Name);
    }

    [Fact]
    public async Task Search_domains_are_tried_only_when_enabled()
    {
        await using var f = new ResolverFixture(extraConf: "search corp.example\n").Start(o => o with { SearchDomains = true });
        f.Server.Answer(q => q.Name == "intranet.corp.example"
            ? TestDns.Reply(q, answers: [Rr.A(null, "192.0.2.60")])
            : TestDns.Reply(q, rcode: 3));

        var answer = await f.Resolver.ResolveAsync("intranet", DnsQueryFamily.Ipv4, CancellationToken.None);

        Assert.Equal(DnsStatus.Ok, answer.Status);
        Assert.Equal("intranet.corp.example", (await f.Server.NextQueryAsync()).Name);
    }

    [Fact]
    public async Task Without_search_domains_a_bare_name_is_asked_as_is()
    {
        await using var f = new ResolverFixture(extraConf: "search corp.example\n").Start();
        f.Server.Answer(q => TestDns.Reply(q, rcode: 3));

        await f.Resolver.ResolveAsync("intranet", DnsQueryFamily.Ipv4, CancellationToken.None);

        Assert.Equal("intranet", (await f.Server.NextQueryAsync()).Name);
        Assert.Equal(1, f.Server.QueryCount);
    }

    [Fact]
    public async Task Metrics_count_queries_and_outcomes_with_ctor_labels()
    {
        await using var f = new ResolverFixture().Start();
        f.Server.Answer(q => q.Type == 28 ? TestDns.Reply(q) : TestDns.Reply(q, answers: [Rr.A(null, "192.0.2.70")]));

        await f.Resolver.ResolveAsync("m.example", DnsQueryFamily.Both, CancellationToken.None);
        await f.Resolver.ResolveAsync("m.example", DnsQueryFamily.Both, CancellationToken.None);

        Assert.Equal(["error A success", "error AAAA nodata", "query A", "query AAAA"], f.Metrics.Events.Order());
    }

    [Fact]
    public void An_unreadable_config_fails_creation_when_broken_configs_are_not_allowed()
    {
        using var dir = new TempDirectory();
        var options = new ExitResolverOptions { ResolvConfFile = dir.Path, AllowBrokenConfig = false }; // a directory: unreadable

        var e = Assert.Throws<DnsConfigurationException>(() => ExitResolver.Create(options, NullLogger.Instance));

        Assert.Contains("ServerDNSAllowBrokenConfig", e.Message);
    }

    [Fact]
    public async Task An_unreadable_config_answers_errors_and_is_retried_until_it_works()
    {
        await using var f = new ResolverFixture();
        File.Move(f.ResolvConfPath, f.ResolvConfPath + ".good");
        System.IO.Directory.CreateDirectory(f.ResolvConfPath);
        f.Start(o => o with { AllowBrokenConfig = true });
        f.Server.Answer(q => TestDns.Reply(q, answers: [Rr.A(null, "192.0.2.90")]));

        var during = await f.Resolver.ResolveAsync("later.example", DnsQueryFamily.Ipv4, CancellationToken.None);
        Assert.True(f.Resolver.IsConfigBroken);
        Assert.Equal(DnsStatus.NameError, during.Status); // C tor: launch_resolve fails, RESOLVED_TYPE_ERROR
        Assert.Equal(0, f.Server.QueryCount);

        System.IO.Directory.Delete(f.ResolvConfPath);
        File.Move(f.ResolvConfPath + ".good", f.ResolvConfPath);
        f.Clock.Advance(ExitResolver.RetryInterval);
        Assert.False(f.Resolver.IsConfigBroken);
        var after = await f.Resolver.ResolveAsync("later.example", DnsQueryFamily.Ipv4, CancellationToken.None);

        Assert.Equal(DnsStatus.Ok, after.Status);
    }

    [Fact]
    public async Task A_missing_config_falls_back_to_a_local_nameserver()
    {
        using var dir = new TempDirectory();
        using var resolver = ExitResolver.Create(new ExitResolverOptions { ResolvConfFile = dir.Combine("absent"), AllowBrokenConfig = false },
            NullLogger.Instance);

        Assert.False(resolver.IsConfigBroken);
        Assert.Equal([new IPEndPoint(IPAddress.Loopback, 53)], resolver.Nameservers);
        await Task.CompletedTask;
    }
}
