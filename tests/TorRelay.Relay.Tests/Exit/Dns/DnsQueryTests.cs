using TorRelay.Relay.Exit.Dns;

namespace TorRelay.Relay.Tests.Exit.Dns;

public sealed class DnsQueryTests
{
    [Fact]
    public void A_query_has_the_rfc1035_layout()
    {
        var wire = new byte[DnsName.MaxWireLength];
        Assert.True(DnsName.TryEncode("www.example.com.", wire, out int nameLength));
        var packet = new byte[DnsQuery.MaxLength];

        int length = DnsQuery.Write(packet, 0xBEEF, wire.AsSpan(0, nameLength), DnsRecordType.Aaaa);

        Assert.Equal(Convert.FromHexString(
            "BEEF0100000100000000000003777777076578616D706C6503636F6D00001C0001"), packet[..length]);
    }

    [Theory]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("a..b")]
    [InlineData(".leading")]
    [InlineData("snow\u2603man")]
    public void Unencodable_names_are_refused(string name) =>
        Assert.False(DnsName.TryEncode(name, new byte[DnsName.MaxWireLength], out _));

    [Fact]
    public void Names_over_255_bytes_or_labels_over_63_are_refused()
    {
        var buffer = new byte[DnsName.MaxWireLength];
        Assert.True(DnsName.TryEncode(new string('a', 63) + ".b", buffer, out _));
        Assert.False(DnsName.TryEncode(new string('a', 64) + ".b", buffer, out _));
        string longest = string.Join('.', Enumerable.Repeat(new string('a', 63), 3)) + "." + new string('a', 61); // 255 in wire form
        Assert.True(DnsName.TryEncode(longest, buffer, out int written));
        Assert.Equal(255, written);
        Assert.False(DnsName.TryEncode(longest + "a", buffer, out _));
    }

    [Fact]
    public void Case_randomisation_flips_only_letters()
    {
        var wire = new byte[DnsName.MaxWireLength];
        DnsName.TryEncode("a-1.Example9.com", wire, out int length);

        DnsName.RandomizeCase(wire.AsSpan(0, length), [0xFF]);

        Assert.Equal("A-1.eXAMPLE9.COM", DnsName.ToDotted(wire.AsSpan(0, length)));
    }

    [Fact]
    public void Case_randomisation_follows_the_random_bits()
    {
        var wire = new byte[DnsName.MaxWireLength];
        DnsName.TryEncode("abcdefgh.ij", wire, out int length);

        DnsName.RandomizeCase(wire.AsSpan(0, length), [0b1010_0101, 0b0000_0010]);

        Assert.Equal("AbCdeFgH.iJ", DnsName.ToDotted(wire.AsSpan(0, length)));
    }
}
