using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using TorRelay.Directory;
using TorRelay.Host.Config;
using TorRelay.Directory.Policy;
using TorRelay.Relay;
using TorRelay.Relay.Exit;
using TorRelay.Relay.Exit.Dns;

namespace TorRelay.Host;

/// <summary>Turns validated torrc options into the relay role's settings, resolving what tor would resolve at start.</summary>
public static class RelaySettingsMapper
{
    public static RelaySettings Map(RelayOptions o, ICollection<string> warnings)
    {
        var listen = o.ORPorts.Where(p => p.Listens).Select(p => p.EndPoint).ToList();
        if (listen.Count == 0) throw new ConfigException("No ORPort to listen on: a relay needs at least one ORPort without NoListen.");

        var advertised4 = o.ORPorts.FirstOrDefault(p => p.Advertised && p.IsIPv4)
            ?? throw new ConfigException("No advertised IPv4 ORPort: tor relays must publish an IPv4 ORPort.");
        var address = ChooseAddress(o, advertised4);
        var orAddresses = o.AddressDisableIPv6
            ? []
            : o.ORPorts.Where(p => p.Advertised && !p.IsIPv4 && !p.Address.Equals(IPAddress.IPv6Any))
                .Select(p => p.EndPoint).Take(1).ToList();

        ulong rate = o.RelayBandwidthRate > 0 ? Math.Min(o.BandwidthRate, o.RelayBandwidthRate) : o.BandwidthRate;
        ulong burst = o.RelayBandwidthBurst > 0 ? Math.Min(o.BandwidthBurst, o.RelayBandwidthBurst) : o.BandwidthBurst;
        rate = Math.Min(rate, o.MaxAdvertisedBandwidth);


        return new RelaySettings
        {
            Nickname = o.Nickname,
            ContactInfo = o.ContactInfo,
            DataDirectory = o.DataDirectory,
            OrListen = listen,
            AdvertisedOrPort = new IPEndPoint(address, advertised4.Port),
            AdvertisedOrAddresses = orAddresses,
            OutboundBindAddress = o.OutboundBindAddressOR.IPv4 ?? o.OutboundBindAddress.IPv4,
            Authorities = o.DirAuthorities.Count > 0 ? o.DirAuthorities : DefaultAuthorities.Create(),
            AssumeReachable = o.AssumeReachable,
            AssumeReachableIPv6 = o.AssumeReachableIPv6,
            PublishDescriptor = o.BridgeRelay ? o.PublishToBridgeAuthorities : o.PublishServerDescriptor,
            BridgeRelay = o.BridgeRelay,
            TestingTorNetwork = o.TestingTorNetwork,
            TestingMinTimeToReportBandwidth = o.TestingMinTimeToReportBandwidth,
            ExtendAllowPrivateAddresses = o.ExtendAllowPrivateAddresses,
            BandwidthRate = (long)Math.Min(rate, long.MaxValue),
            BandwidthBurst = (long)Math.Min(Math.Max(burst, rate), long.MaxValue),
            RelayBandwidthRate = (long)Math.Min(o.RelayBandwidthRate, long.MaxValue),
            ExtraInfoStatistics = o.ExtraInfoStatistics,
            PaddingStatistics = o.PaddingStatistics,
            Family = o.MyFamily,
            Exit = MapExit(o, address, orAddresses, warnings),
            Dns = new ExitResolverOptions
            {
                ResolvConfFile = o.ServerDNSResolvConfFile ?? "/etc/resolv.conf",
                AllowBrokenConfig = o.ServerDNSAllowBrokenConfig,
                RandomizeCase = o.ServerDNSRandomizeCase,
                SearchDomains = o.ServerDNSSearchDomains,
                AllowNonRFC953Hostnames = o.ServerDNSAllowNonRFC953Hostnames,
                DetectHijacking = o.ServerDNSDetectHijacking,
                TestAddresses = o.ServerDNSTestAddresses,
            },
            MaxMemInQueues = (long)Math.Min(o.MaxMemInQueues, long.MaxValue),
            Dos = o.Dos,
        };
    }

    /// <summary>Our exit policy as C tor builds it (policies_parse_exit_policy_from_options) and how exit streams connect.</summary>
    private static ExitSettings MapExit(RelayOptions o, IPAddress address, IReadOnlyList<IPEndPoint> orAddresses, ICollection<string> warnings)
    {
        var policyOptions = new ExitPolicyOptions
        {
            ExitRelay = o.ExitRelay,
            ExitPolicy = o.ExitPolicy,
            ExitPolicyRejectPrivate = o.ExitPolicyRejectPrivate,
            ExitPolicyRejectLocalInterfaces = o.ExitPolicyRejectLocalInterfaces,
            ReducedExitPolicy = o.ReducedExitPolicy,
            IPv6Exit = o.IPv6Exit,
            BridgeRelay = o.BridgeRelay,
            PublishedIPv4Address = address,
            PublishedIPv6Address = orAddresses.FirstOrDefault()?.Address,
            OutboundBindAddresses = new[] { o.OutboundBindAddress, o.OutboundBindAddressOR, o.OutboundBindAddressExit }
                .SelectMany(b => new[] { b.IPv4, b.IPv6 }).OfType<IPAddress>().ToList(),
            PortAddresses = o.ORPorts.Select(p => p.Address).ToList(),
            InterfaceAddresses = o.ExitPolicyRejectLocalInterfaces ? LocalInterfaceAddresses() : [],
        };
        if (!ExitPolicyBuilder.TryBuild(policyOptions, out var policy, out string error, warnings))
            throw new ConfigException("Error in ExitPolicy entry: " + error);
        return new ExitSettings
        {
            Policy = policy,
            IPv6Exit = o.IPv6Exit,
            RefuseUnknownExits = o.RefuseUnknownExits ?? true,
            BindIPv4 = o.OutboundBindAddressExit.IPv4 ?? o.OutboundBindAddress.IPv4,
            BindIPv6 = o.OutboundBindAddressExit.IPv6 ?? o.OutboundBindAddress.IPv6,
        };
    }

    /// <summary>The addresses of the interfaces that are up (for ExitPolicyRejectLocalInterfaces and our own address).</summary>
    private static List<IPAddress> LocalInterfaceAddresses() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(u => u.Address)
            .ToList();

    /// <summary>
    /// Our published IPv4 address: the Address option, else the ORPort's own address, else the first public
    /// interface address (tor also asks authorities; we need an answer before publishing).
    /// </summary>
    private static IPAddress ChooseAddress(RelayOptions o, OrPortConfig orPort)
    {
        foreach (var a in o.Address)
        {
            if (IPAddress.TryParse(a, out var ip) && ip.AddressFamily == AddressFamily.InterNetwork) return ip;
            try
            {
                var resolved = Dns.GetHostAddresses(a).FirstOrDefault(x => x.AddressFamily == AddressFamily.InterNetwork);
                if (resolved is not null) return resolved;
            }
            catch (SocketException)
            {
            }
            throw new ConfigException($"Address '{a}' does not resolve to an IPv4 address.");
        }
        if (!orPort.Address.Equals(IPAddress.Any)) return orPort.Address;
        var found = LocalInterfaceAddresses().FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));
        return found ?? throw new ConfigException("Could not find our IPv4 address: set the Address option.");
    }
}
