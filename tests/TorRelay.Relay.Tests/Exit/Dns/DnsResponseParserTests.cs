using System.Net;
using TorRelay.Relay.Exit.Dns;

namespace TorRelay.Relay.Tests.Exit.Dns;

public sealed class DnsResponseParserTests
{
    private static readonly ReceivedQuery Query = TestDns.ParseQuery(QueryPacket("www.example.com", 1, 0x1234), viaTcp: false);

    private static byte[] QueryPacket(string name, ushort type, ushort id)
    {
        var wire = TestDns.Name(name);
        var packet = new byte[DnsQuery.MaxLength];
        return packet[..DnsQuery.Write(packet, id, wire, (DnsRecordType)type)];
    }

    private static bool Parse(byte[] packet, out DnsResponse? response, out DnsParseError error, string name = "www.example.com",
        bool exactCase = false, DnsRecordType type = DnsRecordType.A) =>
        DnsResponseParser.TryParse(packet, 0x1234, TestDns.Name(name), type, exactCase, out response, out error);

    [Fact]
    public void Takes_the_addresses_and_the_smallest_ttl()
    {
        var packet = TestDns.Reply(Query, answers: [Rr.A(null, "192.0.2.1", 900), Rr.A("WWW.example.com", "192.0.2.2", 600)]);

        Assert.True(Parse(packet, out var response, out _));

        Assert.Equal(["192.0.2.1", "192.0.2.2"], response!.Addresses.Select(a => a.ToString()));
        Assert.Equal(600u, response.Ttl);
        Assert.Equal(DnsRcode.NoError, response.Rcode);
    }

    [Fact]
    public void Follows_cnames_and_counts_their_ttl()
    {
        var packet = TestDns.Reply(Query, answers:
        [
            Rr.A("elsewhere.example", "198.51.100.1", 5),
            Rr.Cname(null, "b.example", 120),
            Rr.Cname("b.example", "c.example", 3000),
            Rr.A("c.example", "203.0.113.3", 3000),
        ]);

        Assert.True(Parse(packet, out var response, out _));

        Assert.Equal(IPAddress.Parse("203.0.113.3"), Assert.Single(response!.Addresses));
        Assert.Equal(120u, response.Ttl);
    }

    [Fact]
    public void A_cname_loop_ends_with_no_answer()
    {
        var packet = TestDns.Reply(Query, answers: [Rr.Cname(null, "loop.example"), Rr.Cname("loop.example", "www.example.com")]);

        Assert.True(Parse(packet, out var response, out _));

        Assert.False(response!.HasAnswer);
    }

    [Fact]
    public void Reads_the_first_ptr_name()
    {
        var query = TestDns.ParseQuery(QueryPacket("1.2.0.192.in-addr.arpa", 12, 0x1234), viaTcp: false);
        var packet = TestDns.Reply(query, answers: [Rr.Ptr(null, "one.example.", 50), Rr.Ptr(null, "two.example", 10)]);

        Assert.True(Parse(packet, out var response, out _, "1.2.0.192.in-addr.arpa", type: DnsRecordType.Ptr));

        Assert.Equal(("one.example", 50u), (response!.Hostname, response.Ttl));
    }

    [Fact]
    public void A_negative_answer_takes_the_soa_minimum()
    {
        var packet = TestDns.Reply(Query, rcode: 3, authority: [Rr.Soa("example.com", 900, 120)]);

        Assert.True(Parse(packet, out var response, out _));

        Assert.Equal((DnsRcode.NxDomain, 120u), (response!.Rcode, response.Ttl));
    }

    [Fact]
    public void Sees_truncation_and_error_codes()
    {
        Assert.True(Parse(TestDns.Reply(Query, truncated: true), out var truncated, out _));
        Assert.True(Parse(TestDns.Reply(Query, rcode: 2), out var servfail, out _));

        Assert.True(truncated!.Truncated);
        Assert.Equal(DnsRcode.ServFail, servfail!.Rcode);
    }

    [Fact]
    public void Another_transaction_is_not_ours()
    {
        Assert.False(Parse(TestDns.Reply(Query, id: 0x1235), out _, out var error));
        Assert.Equal(DnsParseError.WrongId, error);
    }

    [Fact]
    public void A_query_is_not_a_response()
    {
        Assert.False(Parse(QueryPacket("www.example.com", 1, 0x1234), out _, out var error));
        Assert.Equal(DnsParseError.NotResponse, error);
    }

    [Fact]
    public void The_question_must_match_in_any_case_or_exactly_when_randomised()
    {
        var packet = TestDns.Reply(Query, answers: [Rr.A(null, "192.0.2.1")]);

        Assert.True(Parse(packet, out _, out _, "WWW.Example.COM"));
        Assert.False(Parse(packet, out _, out var error, "WWW.Example.COM", exactCase: true));
        Assert.Equal(DnsParseError.QuestionMismatch, error);
        Assert.True(Parse(packet, out _, out _, "www.example.com", exactCase: true));
        Assert.False(Parse(packet, out _, out error, "www.example.org"));
        Assert.Equal(DnsParseError.QuestionMismatch, error);
        Assert.False(Parse(packet, out _, out _, type: DnsRecordType.Aaaa));
    }

    [Fact]
    public void An_address_record_of_the_wrong_length_is_malformed()
    {
        var packet = TestDns.Reply(Query, answers: [new Rr(null, 1, 60, [1, 2, 3])]);

        Assert.False(Parse(packet, out _, out var error));

        Assert.Equal(DnsParseError.Malformed, error);
    }

    [Fact]
    public void A_compression_pointer_loop_is_malformed()
    {
        var packet = TestDns.Reply(Query, answers: [Rr.A(null, "192.0.2.1")]);
        int owner = 12 + Query.QuestionBytes.Length;
        packet[owner] = 0xC0;
        packet[owner + 1] = (byte)owner; // points at itself

        Assert.False(Parse(packet, out _, out var error));

        Assert.Equal(DnsParseError.Malformed, error);
    }

    [Fact]
    public void Every_truncation_and_corruption_is_answered_without_throwing()
    {
        byte[][] packets =
        [
            TestDns.Reply(Query, answers: [Rr.Cname(null, "b.example"), Rr.A("b.example", "192.0.2.1")]),
            TestDns.Reply(Query, rcode: 3, authority: [Rr.Soa("example", 1, 1)]),
        ];
        var random = new Random(1035);
        foreach (var packet in packets)
        {
            for (int length = 0; length < packet.Length; length++)
            {
                Assert.False(Parse(packet[..length], out _, out var error));
                Assert.NotEqual(DnsParseError.None, error);
            }
            for (int round = 0; round < 2000; round++)
            {
                var corrupt = (byte[])packet.Clone();
                corrupt[12 + random.Next(corrupt.Length - 12)] = (byte)random.Next(256);
                _ = Parse(corrupt, out _, out _);
            }
        }
    }
}
