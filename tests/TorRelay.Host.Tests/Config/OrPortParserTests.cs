using System.Net;
using TorRelay.Host.Config;

namespace TorRelay.Host.Tests.Config;

public class OrPortParserTests
{
    private static IReadOnlyList<OrPortConfig> Parse(params string[] values) =>
        OrPortParser.Parse(values.Select((v, i) => new ConfigLine("ORPort", v, "t.conf", i + 1)).ToList());

    private static IEnumerable<string> Describe(IReadOnlyList<OrPortConfig> ports) => ports.Select(p => p.ToString());

    [Fact]
    public void BarePortListensOnIPv4AndIPv6AnyAddresses()
    {
        var ports = Parse("9001");
        Assert.Equal(["0.0.0.0:9001", "[::]:9001"], Describe(ports));
        Assert.All(ports, p => Assert.True(p.Listens && p.Advertised && !p.ExplicitAddress));
    }

    [Fact]
    public void ExplicitIPv4AddressGivesOneListener()
    {
        var ports = Parse("127.0.0.1:5001");
        var p = Assert.Single(ports);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 5001), p.EndPoint);
        Assert.True(p.ExplicitAddress);
    }

    [Fact]
    public void BracketedIPv6AddressWithIPv4Line()
    {
        // In tor's order: the pass with 0.0.0.0 as the implicit address, then the pass with [::].
        var ports = Parse("9001", "[2001:db8::1]:9050");
        Assert.Equal(["0.0.0.0:9001", "[2001:db8::1]:9050", "[::]:9001"], Describe(ports));
    }

    [Fact]
    public void ExplicitAddressSupersedesImplicitOnTheSamePort()
    {
        var warnings = new List<string>();
        var ports = OrPortParser.Parse([new ConfigLine("ORPort", "9001", "t", 1), new ConfigLine("ORPort", "1.2.3.4:9001", "t", 2)], warnings);
        Assert.Equal(["1.2.3.4:9001", "[::]:9001"], Describe(ports).Order());
        Assert.Contains(warnings, w => w.Contains("superseded"));
    }

    [Fact]
    public void AutoPortForms()
    {
        Assert.All(Parse("auto"), p => Assert.True(p.IsAuto));
        var p = Assert.Single(Parse("127.0.0.1:auto"));
        Assert.True(p.IsAuto);
        Assert.Equal(IPAddress.Loopback, p.Address);
    }

    [Fact]
    public void FlagsAreCaseInsensitiveAndFamilyOnlyFlagsSelectAFamily()
    {
        Assert.Equal(["0.0.0.0:9001"], Describe(Parse("9001 ipv4only")));
        var both = Parse("443 NoListen", "127.0.0.1:9090 NoAdvertise");
        Assert.Equal(["0.0.0.0:443", "127.0.0.1:9090", "[::]:443"], Describe(both).Order());
        Assert.True(both.Single(p => p.Port == 9090).NoAdvertise);
        Assert.True(both.First(p => p.Port == 443).NoListen);
    }

    [Fact]
    public void ZeroDisables()
    {
        Assert.Empty(Parse("0"));
    }

    [Theory]
    [InlineData(new[] { "9001", "0" }, 2, "You specified a nonzero ORPort along with 'ORPort 0'")]
    [InlineData(new[] { "9001 NoListen NoAdvertise" }, 1, "Tried to set both NoListen and NoAdvertise")]
    [InlineData(new[] { "9001 IPv4Only IPv6Only" }, 1, "Tried to set both IPv4Only and IPv6Only")]
    [InlineData(new[] { "9001 Bogus" }, 1, "Unrecognized ORPort option 'Bogus'")]
    [InlineData(new[] { "65536" }, 1, "Couldn't parse address '65536' for ORPort")]
    [InlineData(new[] { "127.0.0.1" }, 1, "ORPort line has address but no port")]
    [InlineData(new[] { "example.com:9001" }, 1, "Couldn't parse address")]
    [InlineData(new[] { "[::1]:9001 IPv4Only" }, 1, "Could not interpret ORPort address as IPv4")]
    [InlineData(new[] { "unix:/tmp/sock" }, 1, "ORPort does not support unix sockets")]
    [InlineData(new[] { "9001 NoListen" }, 1, "We are advertising an ORPort, but not actually listening on one.")]
    [InlineData(new[] { "9001 NoAdvertise" }, 1, "We are listening on an ORPort, but not advertising any ORPorts.")]
    [InlineData(new[] { "[::1]:9001" }, 1, "Configured public relay to listen only on an IPv6 address.")]
    public void InvalidLinesNameTheirLine(string[] values, int line, string message)
    {
        var e = Assert.Throws<ConfigException>(() => Parse(values));
        Assert.Equal(line, e.Line);
        Assert.StartsWith($"t.conf:{line}: ", e.Message);
        Assert.Contains(message, e.Message);
    }
}
