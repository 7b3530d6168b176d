using System.Net;
using TorRelay.Relay.Exit.Dns;

namespace TorRelay.Relay.Tests.Exit.Dns;

public sealed class DnsTtlTests
{
    [Theory]
    [InlineData(0u, 300u)]
    [InlineData(299u, 300u)]
    [InlineData(300u, 3600u)]
    [InlineData(3600u, 3600u)]
    [InlineData(604800u, 3600u)]
    public void Clip_gives_only_a_low_or_a_high_value(uint ttl, uint clipped) => Assert.Equal(clipped, DnsTtl.Clip(ttl));

    [Theory]
    [InlineData(10u, 0u, 60u)]
    [InlineData(10u, 480u, 540u)]
    [InlineData(7200u, 240u, 3600u)]
    [InlineData(7200u, 0u, 3360u)]
    [InlineData(7200u, 480u, 3840u)]
    public void Fuzzy_clip_adds_a_draw_from_minus_to_plus_four_minutes(uint ttl, uint draw, uint expected) =>
        Assert.Equal(expected, DnsTtl.ClipFuzzy(ttl, draw));

    [Fact]
    public void Fuzzy_clip_stays_within_its_bounds_for_any_random_draw()
    {
        for (int b = 0; b < 256; b += 7)
            Assert.InRange(DnsTtl.ClipFuzzy(100, new ConstantRandom((byte)b)), DnsTtl.Min - DnsTtl.Fuzzy, DnsTtl.Min + DnsTtl.Fuzzy);
    }

    [Theory]
    [InlineData("192.0.2.1", "1.2.0.192.in-addr.arpa")]
    [InlineData("::ffff:192.0.2.1", "1.2.0.192.in-addr.arpa")]
    // RFC 3596 §2.5's example
    [InlineData("4321:0:1:2:3:4:567:89ab", "b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.0.0.0.0.1.2.3.4.ip6.arpa")]
    public void Ptr_query_names(string address, string name) => Assert.Equal(name, PtrQueryName.For(IPAddress.Parse(address)));
}
