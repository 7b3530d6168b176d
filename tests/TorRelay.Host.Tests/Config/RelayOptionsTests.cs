using System.Net;
using TorRelay.Host.Config;

namespace TorRelay.Host.Tests.Config;

public class RelayOptionsTests
{
    private const string Auth = "DirAuthority auth0 orport=5000 no-v2 v3ident=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA " +
                                "127.0.0.1:7000 0123456789ABCDEF0123456789ABCDEF01234567\n";

    private static RelayOptions Load(string torrc, List<string>? warnings = null) =>
        ConfigLoader.LoadFromString(torrc, "relay.conf", warnings: warnings);

    private static ConfigException Fails(string torrc) => Assert.Throws<ConfigException>(() => Load(torrc));

    [Fact]
    public void DefaultsAreTors()
    {
        var o = Load("ORPort 9001\n");
        Assert.Equal("Unnamed", o.Nickname);
        Assert.Null(o.ContactInfo);
        Assert.Equal(1UL << 30, o.BandwidthRate);
        Assert.Equal(1UL << 30, o.BandwidthBurst);
        Assert.Equal(0UL, o.RelayBandwidthRate);
        Assert.Equal(1UL << 30, o.MaxAdvertisedBandwidth);
        Assert.Equal(TimeSpan.FromSeconds(30), o.ShutdownWaitLength);
        Assert.Equal(TimeSpan.FromHours(6), o.HeartbeatPeriod);
        Assert.True(o.ExitPolicyRejectPrivate);
        Assert.False(o.ExtendAllowPrivateAddresses);
        Assert.Null(o.ExitRelay);
        Assert.False(o.IsExit);
        Assert.True(o.PublishServerDescriptor);
        Assert.False(o.AssumeReachable);
        Assert.False(o.TestingTorNetwork);
        Assert.Empty(o.DirAuthorities);
        Assert.Null(o.MetricsPort);
        Assert.Equal(1000, o.ConnLimit);
        var log = Assert.Single(o.Logs);
        Assert.Equal("notice stdout", log.Spec);
        Assert.Equal(TimeSpan.FromSeconds(1), o.LogTimeGranularity);
        Assert.Equal(RelayOptionsBuilder.DefaultDataDirectory(), o.DataDirectory);
        Assert.Equal(o.DataDirectory, o.CacheDirectory);
        Assert.Equal(Path.Join(o.DataDirectory, "keys"), o.KeyDirectory);
    }

    [Theory]
    [InlineData("")]
    [InlineData("ConnectionPadding auto\nReducedConnectionPadding 0\n")]
    public void ConnectionPaddingDefaultsAreTheOnlyValuesARelayAccepts(string lines) =>
        Assert.Equal(9001, Load("ORPort 9001\n" + lines).ORPorts[0].Port);

    [Fact]
    public void DefaultDataDirectoryFollowsHome()
    {
        string home = Environment.GetEnvironmentVariable("HOME")!;
        Assert.Equal(home == "/" ? "/var/lib/tor" : Path.Join(home, ".tor"), RelayOptionsBuilder.DefaultDataDirectory());
    }

    [Fact]
    public void ReadsAMiddleRelayTorrc()
    {
        var warnings = new List<string>();
        var o = Load("""
            Nickname myRelay1
            ContactInfo op <op AT example dot com>
            ORPort 9001
            DataDirectory /tmp/torrelay-data
            RelayBandwidthRate 100 KBytes
            RelayBandwidthBurst 200 KBytes
            MyFamily $0123456789ABCDEF0123456789ABCDEF01234567,fedcba9876543210fedcba9876543210fedcba98
            MyFamily 0123456789abcdef0123456789abcdef01234567~other
            ExitRelay 0
            SocksPort 0
            Log notice file /tmp/torrelay-notices.log
            AvoidDiskWrites 1
            NumCPUs 2
            """, warnings);
        Assert.Equal("myRelay1", o.Nickname);
        Assert.Equal("op <op AT example dot com>", o.ContactInfo);
        Assert.Equal("/tmp/torrelay-data", o.DataDirectory);
        Assert.Equal(100UL * 1024, o.RelayBandwidthRate);
        Assert.Equal(200UL * 1024, o.RelayBandwidthBurst);
        Assert.Equal(["$0123456789ABCDEF0123456789ABCDEF01234567", "$FEDCBA9876543210FEDCBA9876543210FEDCBA98",
            "$0123456789ABCDEF0123456789ABCDEF01234567"], o.MyFamily);
        Assert.False(o.ExitRelay);
        Assert.False(o.IsExit);
        Assert.Equal("/tmp/torrelay-notices.log", Assert.Single(o.Logs).Path);
        Assert.True(o.AvoidDiskWrites);
        Assert.Equal(2, o.NumCPUs);
        Assert.Empty(warnings);
    }

    [Fact]
    public void TestingTorNetworkNeedsDirAuthorityAndChangesDefaults()
    {
        var e = Fails("ORPort 9001\n\nTestingTorNetwork 1\n");
        Assert.Equal("relay.conf:3: TestingTorNetwork may only be configured in combination with a non-default set " +
                     "of DirAuthority.", e.Message);

        var o = Load("TestingTorNetwork 1\n" + Auth + "ORPort 127.0.0.1:5001\n");
        Assert.True(o.TestingTorNetwork);
        Assert.False(o.ExitPolicyRejectPrivate);
        Assert.True(o.ExtendAllowPrivateAddresses);
        Assert.True(o.CountPrivateBandwidth);
        Assert.True(o.DirAllowPrivateAddresses);
        Assert.Single(o.DirAuthorities);

        // An explicit value still wins over the testing default.
        Assert.True(Load("TestingTorNetwork 1\nExitPolicyRejectPrivate 1\n" + Auth + "ORPort 5001\n").ExitPolicyRejectPrivate);
    }

    [Fact]
    public void TestnetRelayTorrcLoads()
    {
        // What /work/shared/TESTNET.md gives every relay, minus C tor's client-only options.
        var o = Load("TestingTorNetwork 1\n" + Auth + Auth.Replace("auth0", "auth1") + """
            Nickname relay5
            SocksPort 0
            Address 127.0.0.1
            ORPort 127.0.0.1:5005
            AddressDisableIPv6 1
            OutboundBindAddress 127.0.0.1
            AssumeReachable 1
            DataDirectory /tmp/torrelay-testnet
            ContactInfo test
            """);
        Assert.Equal(2, o.DirAuthorities.Count);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 5005), Assert.Single(o.ORPorts).EndPoint);
        Assert.Equal(["127.0.0.1"], o.Address);
        Assert.Equal(IPAddress.Loopback, o.OutboundBindAddress.IPv4);
        Assert.True(o.AssumeReachable && o.AddressDisableIPv6);
    }

    [Theory]
    [InlineData("ORPort 9001\nNickname this_is_bad\n", 2, "Nickname 'this_is_bad', nicknames must be between 1 and 19")]
    [InlineData("ORPort 9001\nNickname abcdefghijklmnopqrst\n", 2, "nicknames must be between 1 and 19")]
    [InlineData("ORPort 9001\nSocksPort 9050\n", 2, "SocksPort 9050: torrelay only runs as a relay: the client role is not available yet; only 'SocksPort 0' is accepted.")]
    [InlineData("ORPort 9001\nDirPort 9030\n", 2, "DirPort 9030: torrelay does not implement the DirPort yet")]
    [InlineData("ORPort 9001\nRunAsDaemon 1\n", 2, "RunAsDaemon 1: torrelay does not daemonize")]
    [InlineData("ORPort 9001\nControlPort 9051\n", 2, "ControlPort 9051: torrelay does not implement the control port")]
    [InlineData("ORPort 9001\nAccountingMax 40 GBytes\n", 2, "AccountingMax 40 GBytes: torrelay does not implement accounting")]
    [InlineData("ORPort 9001\nAssumeReachable yes\n", 2, "Could not parse AssumeReachable: Unrecognized value yes. Allowed values are 0 and 1.")]
    [InlineData("ORPort 9001\nExitRelay maybe\n", 2, "Allowed values are 0, 1, and auto.")]
    [InlineData("ORPort 9001\nBandwidthRate 1 parsec\n", 2, "Could not parse BandwidthRate: Unknown unit in 1 parsec")]
    [InlineData("ORPort 9001\nShutdownWaitLength soon\n", 2, "Could not parse ShutdownWaitLength")]
    [InlineData("ORPort 9001\nConnLimit -5\n", 2, "Integer -5 is malformed or out of bounds")]
    [InlineData("ORPort 9001\nBandwidthRate 10 KB\n", 2, "BandwidthRate is set to 10240 bytes/second. For servers, it must be at least 76800.")]
    [InlineData("ORPort 9001\nRelayBandwidthRate 50 KB\n", 2, "RelayBandwidthRate is set to 51200 bytes/second.")]
    [InlineData("ORPort 9001\nRelayBandwidthRate 200 KB\nRelayBandwidthBurst 100 KB\n", 3, "RelayBandwidthBurst must be at least equal to RelayBandwidthRate.")]
    [InlineData("ORPort 9001\nBandwidthRate 2 MB\nBandwidthBurst 1 MB\n", 3, "BandwidthBurst must be at least equal to BandwidthRate.")]
    [InlineData("ORPort 9001\nBandwidthRate 3 GB\n", 2, "BandwidthRate (3221225471) must be at most 2147483647")]
    [InlineData("ORPort 9001\nMaxAdvertisedBandwidth 10 KB\n", 2, "MaxAdvertisedBandwidth is set to 10240 bytes/second.")]
    [InlineData("ORPort 9001\nPublishServerDescriptor v4\n", 2, "Unrecognized value 'v4' in PublishServerDescriptor")]
    [InlineData("ORPort 9001\nMyFamily $0123,abc\n", 2, "Invalid nickname '$0123' in MyFamily line")]
    [InlineData("ORPort 9001\nExitPolicy accept *:80,rejekt *:*\n", 2, "Invalid policy entry 'rejekt *:*'")]
    [InlineData("ORPort 9001\nMetricsPortPolicy accept 127.0.0.1/40\n", 2, "Invalid policy entry")]
    [InlineData("ORPort 9001\nMetricsPort 9035 json\n", 2, "MetricsPort unknown format: json")]
    [InlineData("ORPort 9001\nMetricsPort 9035\nMetricsPort 9036\n", 3, "MetricsPort may be given only once")]
    [InlineData("ORPort 9001\nMetricsPort localhost:9035\n", 2, "MetricsPort address/port failed to parse")]
    [InlineData("ORPort 9001\nLog notice pigeon\n", 2, "Couldn't parse log levels in Log option 'Log notice pigeon'")]
    [InlineData("ORPort 9001\nLogTimeGranularity 300 msec\n", 2, "LogTimeGranularity must be positive")]
    [InlineData("ORPort 9001\nSafeLogging maybe\n", 2, "Unrecognized value 'maybe' in SafeLogging")]
    [InlineData("ORPort 9001\nOutboundBindAddress 127.0.0.1\nOutboundBindAddress 127.0.0.2\n", 3, "Multiple IPv4 outbound bind addresses configured: 127.0.0.2")]
    [InlineData("ORPort 9001\nOutboundBindAddressOR [::1]\nOutboundBindAddressOR ::2\n", 3, "Multiple IPv6 OR outbound bind addresses configured")]
    [InlineData("ORPort 9001\nOutboundBindAddress eth0:1\n", 2, "Could not parse outbound bind address")]
    [InlineData("ORPort 9001\nAddress 1.2.3.4\nAddress 5.6.7.8\n", 3, "Found 2 Address statements of address family IPv4.")]
    [InlineData("ORPort 9001\nAddress not/a/host\n", 2, "is neither an IP address nor a hostname")]
    [InlineData("ORPort 9001\nDirAuthority auth0 127.0.0.1:7000\n", 2, "Too few arguments to DirAuthority line.")]
    [InlineData("ORPort 0\n", 1, "ORPort 0 disables the relay")]
    [InlineData("ORPort 9001\nUser nosuchuser-torrelay\n", 2, "User nosuchuser-torrelay: torrelay does not switch users")]
    [InlineData("ORPort 9001\nDataDirectory /tmp/x\nNoSuchOption 1\n", 3, "Unknown option 'NoSuchOption'")]
    [InlineData("ORPort 9001\nConnectionPadding 0\n", 2, "Relays must use 'auto' for the ConnectionPadding setting.")]
    [InlineData("ORPort 9001\nConnectionPadding 1\n", 2, "Relays must use 'auto' for the ConnectionPadding setting.")]
    [InlineData("ORPort 9001\nReducedConnectionPadding 1\n", 2, "Relays cannot set ReducedConnectionPadding.")]
    [InlineData("ORPort 9001\nConnectionPadding sometimes\n", 2, "Could not parse ConnectionPadding")]
    [InlineData("ORPort 9001\nAssumeReachable 1\nAssumeReachableIPv6 0\n", 3, "Cannot set AssumeReachable 1 and AssumeReachableIPv6 0.")]
    public void EveryErrorNamesItsLine(string torrc, int line, string message)
    {
        var e = Fails(torrc);
        Assert.StartsWith($"relay.conf:{line}: ", e.Message);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void MissingORPortNamesTheFile()
    {
        var e = Fails("Nickname abc\n");
        Assert.Equal("relay.conf: ORPort is not set; torrelay runs only as a relay and needs one (e.g. 'ORPort 9001').",
            e.Message);
    }

    [Fact]
    public void ShortHeartbeatIsRaisedOutsideTestNetworks()
    {
        var warnings = new List<string>();
        Assert.Equal(TimeSpan.FromMinutes(30), Load("ORPort 9001\nHeartbeatPeriod 5 minutes\n", warnings).HeartbeatPeriod);
        Assert.Contains("HeartbeatPeriod option is too short; raising to 1800 seconds.", warnings);
        Assert.Equal(TimeSpan.Zero, Load("ORPort 9001\nHeartbeatPeriod 0\n").HeartbeatPeriod);
        Assert.Equal(TimeSpan.FromMinutes(5),
            Load("TestingTorNetwork 1\n" + Auth + "ORPort 9001\nHeartbeatPeriod 5 minutes\n").HeartbeatPeriod);
    }

    [Fact]
    public void PathsExpandTildeAndDeriveFromDataDirectory()
    {
        string home = Environment.GetEnvironmentVariable("HOME")!;
        var o = Load("ORPort 9001\nDataDirectory ~/relaydata\nPidFile ~/relay.pid\n");
        Assert.Equal(Path.Join(home, "relaydata"), o.DataDirectory);
        Assert.Equal(Path.Join(home, "relaydata", "keys"), o.KeyDirectory);
        Assert.Equal(Path.Join(home, "relay.pid"), o.PidFile);
        Assert.Equal("/srv/keys", Load("ORPort 9001\nKeyDirectory /srv/keys\n").KeyDirectory);
    }

    [Fact]
    public void UserMatchingTheCurrentUserIsANoOp()
    {
        Assert.Equal("Unnamed", Load($"ORPort 9001\nUser {Environment.UserName}\n").Nickname);
    }

    [Fact]
    public void RelayBandwidthRaisesBandwidthRateAndFillsMissingBurst()
    {
        var o = Load("ORPort 9001\nBandwidthRate 100 KB\nBandwidthBurst 100 KB\nRelayBandwidthRate 200 KB\n");
        Assert.Equal(200UL * 1024, o.RelayBandwidthBurst);
        Assert.Equal(200UL * 1024, o.BandwidthRate);
        Assert.Equal(200UL * 1024, o.BandwidthBurst);
        // "2 GB" is forgiven as INT32_MAX, as tor.
        Assert.Equal((ulong)int.MaxValue, Load("ORPort 9001\nBandwidthRate 2 GB\nBandwidthBurst 2 GB\n").BandwidthRate);
    }

    [Theory]
    [InlineData("BridgeRelay 1\n", true, false)]
    [InlineData("BridgeRelay 1\nPublishServerDescriptor 0\n", false, false)]
    [InlineData("BridgeRelay 1\nPublishServerDescriptor bridge\n", true, false)]
    [InlineData("PublishServerDescriptor bridge\n", true, false)]
    [InlineData("BridgeRelay 0\n", false, true)]
    public void BridgeRelayPublishesOnlyToBridgeAuthorities(string lines, bool toBridgeAuthorities, bool toV3)
    {
        var o = Load("ORPort 9001\n" + lines);
        Assert.Equal(toBridgeAuthorities, o.PublishToBridgeAuthorities);
        Assert.Equal(toV3, o.PublishServerDescriptor);
    }

    [InlineData("v3,v2", true)]
    [Theory]
    [InlineData("0", false)]
    [InlineData("1", true)]
    [InlineData("v3", true)]
    [InlineData("V3", true)]
    public void PublishServerDescriptorValues(string value, bool publish)
    {
        Assert.Equal(publish, Load($"ORPort 9001\nPublishServerDescriptor {value}\n").PublishServerDescriptor);
    }

    [Theory]
    [InlineData("", null, false)]
    [InlineData("ExitRelay 1\n", true, true)]
    [InlineData("ExitRelay auto\nExitPolicy accept *:80\n", null, true)]
    [InlineData("ExitRelay auto\nIPv6Exit 1\n", null, true)]
    [InlineData("ExitRelay 0\nExitPolicy accept *:80\n", false, false)]
    public void ExitRelayFollowsTorsAutoRule(string lines, bool? exitRelay, bool isExit)
    {
        var o = Load("ORPort 9001\n" + lines);
        Assert.Equal(exitRelay, o.ExitRelay);
        Assert.Equal(isExit, o.IsExit);
    }

    [Fact]
    public void ExitPolicyKeepsEveryRuleInOrder()
    {
        var o = Load("ORPort 9001\nExitPolicy accept 18.7.22.69:*,reject 18.0.0.0/8:*\nExitPolicy accept6 [C000::]/3:*\nExitPolicy reject *:*\n");
        Assert.Equal(["accept 18.7.22.69:*", "reject 18.0.0.0/8:*", "accept6 [C000::]/3:*", "reject *:*"], o.ExitPolicy);
    }

    [Fact]
    public void MetricsPortDefaultsToLoopback()
    {
        var o = Load("ORPort 9001\nMetricsPort 9035\nMetricsPortPolicy accept 127.0.0.1,reject *\n");
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 9035), o.MetricsPort);
        Assert.Equal(["accept 127.0.0.1", "reject *"], o.MetricsPortPolicy);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("10.0.0.1"), 9035),
            Load("ORPort 9001\nMetricsPort 10.0.0.1:9035 prometheus\n").MetricsPort);
        Assert.Null(Load("ORPort 9001\nMetricsPort 0\n").MetricsPort);
    }

    [Fact]
    public void OutboundBindAddressTakesOnePerFamily()
    {
        var o = Load("ORPort 9001\nOutboundBindAddress 10.0.0.4\nOutboundBindAddress [2001:db8::4]\nOutboundBindAddressExit 10.0.0.5\n");
        Assert.Equal(IPAddress.Parse("10.0.0.4"), o.OutboundBindAddress.IPv4);
        Assert.Equal(IPAddress.Parse("2001:db8::4"), o.OutboundBindAddress.IPv6);
        Assert.Equal(IPAddress.Parse("10.0.0.5"), o.OutboundBindAddressExit.IPv4);
        Assert.Same(OutboundBindAddresses.None, o.OutboundBindAddressOR);
    }

    [Fact]
    public void AddressAcceptsOneLiteralPerFamilyAndHostnames()
    {
        Assert.Equal(["1.2.3.4", "[2001:db8::1]"], Load("ORPort 9001\nAddress 1.2.3.4\nAddress [2001:db8::1]\n").Address);
        Assert.Equal(["relay.example.com"], Load("ORPort 9001\nAddress relay.example.com\n").Address);
    }

    [Fact]
    public void NoOpValuesOfUnimplementedFeaturesAreAccepted()
    {
        var o = Load("ORPort 9001\nSocksPort 0\nDirPort 0\nControlPort 0\nRunAsDaemon 0\nSandbox 0\nAccountingMax 0 bytes\n" +
                     "CookieAuthentication 1\nHardwareAccel 1\nDisableDebuggerAttachment 0\nDirReqStatistics 0\n" +
                     "GeoIPFile /usr/share/tor/geoip\nClientUseIPv6 0\nProtocolWarnings 1\n");
        Assert.True(o.HardwareAccel);
        Assert.False(o.DisableDebuggerAttachment);
    }

    [Fact]
    public void WarnsLikeTorAboutMissingContactInfoAndNicknameFamily()
    {
        var warnings = new List<string>();
        Load("ORPort 9001\nMyFamily otherrelay\n", warnings);
        Assert.Contains(warnings, w => w.StartsWith("Your ContactInfo config option is not set."));
        Assert.Contains(warnings, w => w.Contains("MyFamily lists 'otherrelay' by nickname"));
        Assert.Contains(warnings, w => w.StartsWith("MyFamily is set but ContactInfo is not configured."));
    }

    [Fact]
    public void CommandLineOverridesReplaceListsAndSingletons()
    {
        var overrides = new List<ConfigLine>
        {
            new("Nickname", "fromCmdline", "command line", 0),
            new("ORPort", "127.0.0.1:6000", "command line", 0),
        };
        var o = ConfigLoader.LoadFromString("Nickname fromFile\nORPort 9001\n", overrides: overrides);
        Assert.Equal("fromCmdline", o.Nickname);
        Assert.Equal("127.0.0.1:6000", Assert.Single(o.ORPorts).ToString());
    }

    [Fact]
    public void CommandLineErrorsNameTheCommandLine()
    {
        var overrides = new List<ConfigLine> { new("Bogus", "1", "command line", 0) };
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.LoadFromString("ORPort 9001\n", overrides: overrides));
        Assert.Equal("command line: Unknown option 'Bogus'.  Failing.", e.Message);
    }
}
