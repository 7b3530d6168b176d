using System.Net;
using System.Net.Sockets;
using TorRelay.Directory;
using TorRelay.Host.Logging;

namespace TorRelay.Host.Config;

/// <summary>
/// Turns merged option lines into <see cref="RelayOptions"/>, validating each value and then the whole set as tor's
/// options_validate and relay_config.c do. Every error names the line responsible, or the torrc for a missing option.
/// </summary>
public static class RelayOptionsBuilder
{
    /// <summary>RELAY_REQUIRED_MIN_BANDWIDTH.</summary>
    public const ulong RelayRequiredMinBandwidth = 75 * 1024;

    /// <summary>ROUTER_MAX_DECLARED_BANDWIDTH.</summary>
    public const ulong MaxDeclaredBandwidth = int.MaxValue;

    /// <param name="torrc">Names the configuration in errors about the whole set (e.g. a missing ORPort).</param>
    /// <param name="defaultLogs">Logs to use when no Log line is given (tor: notice stdout, or none under --quiet).</param>
    public static RelayOptions Build(OptionValues values, string torrc, IReadOnlyList<LogSinkConfig>? defaultLogs = null,
        ICollection<string>? warnings = null)
    {
        warnings ??= new List<string>();
        foreach (string w in values.Warnings)
            warnings.Add(w);
        var o = new OptionReader(values);

        string nickname = o.String("Nickname") ?? "Unnamed";
        if (!ValueParsers.IsLegalNickname(nickname))
        {
            throw ConfigException.At(o.Line("Nickname")!, $"Nickname '{nickname}', nicknames must be between 1 and 19 " +
                                                          "characters inclusive, and must contain only the characters [a-zA-Z0-9].");
        }
        string? contact = o.String("ContactInfo");
        if (contact is null)
        {
            warnings.Add("Your ContactInfo config option is not set. Please strongly consider setting it, so we can " +
                         "contact you if your server is misconfigured, outdated, or otherwise needs attention.");
        }

        string dataDir = Path.GetFullPath(ValueParsers.ExpandHome(o.String("DataDirectory") ?? DefaultDataDirectory()));
        string? cacheDir = o.String("CacheDirectory");
        string? keyDir = o.String("KeyDirectory");
        CheckUser(o);

        IReadOnlyList<OrPortConfig> orPorts = OrPortParser.Parse(o.List("ORPort"), warnings);
        if (orPorts.Count == 0)
        {
            throw o.List("ORPort").Count > 0
                ? ConfigException.At(o.List("ORPort")[^1], "ORPort 0 disables the relay, but torrelay only runs as a relay.")
                : new ConfigException(torrc, 0, "ORPort is not set; torrelay runs only as a relay and needs one " +
                                                "(e.g. 'ORPort 9001').");
        }

        bool testing = o.Bool("TestingTorNetwork");
        var authorities = o.List("DirAuthority").Select(l => DirAuthorityParser.Parse(l, warnings)).ToList();
        if (testing && authorities.Count == 0)
        {
            throw ConfigException.At(o.Line("TestingTorNetwork")!, "TestingTorNetwork may only be configured in " +
                                                                   "combination with a non-default set of DirAuthority.");
        }

        var exitPolicy = o.List("ExitPolicy").SelectMany(l => PolicyRuleSyntax.ParseLine(l, warnings)).ToList();
        var family = ParseFamily(o.List("MyFamily"), warnings);
        if (family.Count > 0 && contact is null)
        {
            warnings.Add("MyFamily is set but ContactInfo is not configured. ContactInfo should always be set when " +
                         "MyFamily option is too.");
        }

        var logs = o.List("Log").Select(ParseLog).ToList();
        TimeSpan granularity = o.MsecInterval("LogTimeGranularity");
        if (granularity <= TimeSpan.Zero ||
            (1000 % (long)granularity.TotalMilliseconds != 0 && (long)granularity.TotalMilliseconds % 1000 != 0))
        {
            throw ConfigException.At(o.Line("LogTimeGranularity")!, "LogTimeGranularity must be positive and either " +
                                                                   "a divisor or a multiple of 1 second.");
        }

        string safeLogging = o.String("SafeLogging")!;
        if (safeLogging is not ("0" or "1") && !safeLogging.Equals("relay", StringComparison.OrdinalIgnoreCase))
            throw ConfigException.At(o.Line("SafeLogging")!, $"Unrecognized value '{safeLogging}' in SafeLogging");

        CheckPadding(o);
        CheckAssumeReachable(o);
        var bandwidth = Bandwidth.Validate(o);

        // tor's MIN_HEARTBEAT_PERIOD; 0 disables heartbeats.
        TimeSpan heartbeat = o.Interval("HeartbeatPeriod");
        if (heartbeat > TimeSpan.Zero && heartbeat < TimeSpan.FromMinutes(30) && !testing)
        {
            warnings.Add("HeartbeatPeriod option is too short; raising to 1800 seconds.");
            heartbeat = TimeSpan.FromMinutes(30);
        }

        return new RelayOptions
        {
            Nickname = nickname,
            ContactInfo = contact,
            DataDirectory = dataDir,
            CacheDirectory = cacheDir is null ? dataDir : Path.GetFullPath(ValueParsers.ExpandHome(cacheDir)),
            KeyDirectory = keyDir is null ? Path.Join(dataDir, "keys") : Path.GetFullPath(ValueParsers.ExpandHome(keyDir)),
            PidFile = o.String("PidFile") is { } pid ? ValueParsers.ExpandHome(pid) : null,
            ORPorts = orPorts,
            Address = ParseAddresses(o.List("Address")),
            AddressDisableIPv6 = o.Bool("AddressDisableIPv6"),
            OutboundBindAddress = ParseOutbound(o.List("OutboundBindAddress"), ""),
            OutboundBindAddressOR = ParseOutbound(o.List("OutboundBindAddressOR"), " OR"),
            OutboundBindAddressExit = ParseOutbound(o.List("OutboundBindAddressExit"), " exit"),
            AssumeReachable = o.Bool("AssumeReachable"),
            ExtraInfoStatistics = o.Bool("ExtraInfoStatistics"),
            PaddingStatistics = o.Bool("PaddingStatistics"),
            AssumeReachableIPv6 = o.AutoBool("AssumeReachableIPv6"),
            MetricsPort = ParseMetricsPort(o.List("MetricsPort")),
            MetricsPortPolicy = o.List("MetricsPortPolicy").SelectMany(l => PolicyRuleSyntax.ParseLine(l, warnings)).ToList(),
            DirAuthorities = authorities,
            TestingTorNetwork = testing,
            TestingMinTimeToReportBandwidth = TestingOnly(o, testing, "TestingMinTimeToReportBandwidth"),
            BridgeRelay = o.Bool("BridgeRelay"),
            PublishServerDescriptor = ParsePublish(o, warnings, o.Bool("BridgeRelay"), out bool toBridgeAuthorities),
            PublishToBridgeAuthorities = toBridgeAuthorities,
            DirCache = o.Bool("DirCache"),
            DirAllowPrivateAddresses = o.Bool("DirAllowPrivateAddresses"),
            ExtendAllowPrivateAddresses = o.Bool("ExtendAllowPrivateAddresses"),
            CountPrivateBandwidth = o.Bool("CountPrivateBandwidth"),
            MyFamily = family,
            BandwidthRate = bandwidth.Rate,
            BandwidthBurst = bandwidth.Burst,
            RelayBandwidthRate = bandwidth.RelayRate,
            RelayBandwidthBurst = bandwidth.RelayBurst,
            MaxAdvertisedBandwidth = bandwidth.MaxAdvertised,
            MaxMemInQueues = o.MemUnit("MaxMemInQueues"),
            ConnLimit = o.PosInt("ConnLimit"),
            Dos = new TorRelay.Core.Dos.DosTorrcOptions
            {
                CircuitCreationEnabled = o.AutoBool("DoSCircuitCreationEnabled"),
                CircuitCreationMinConnections = o.PosInt("DoSCircuitCreationMinConnections"),
                CircuitCreationRate = o.PosInt("DoSCircuitCreationRate"),
                CircuitCreationBurst = o.PosInt("DoSCircuitCreationBurst"),
                CircuitCreationDefenseType = o.PosInt("DoSCircuitCreationDefenseType"),
                CircuitCreationDefenseTimePeriod = o.Interval("DoSCircuitCreationDefenseTimePeriod"),
                ConnectionEnabled = o.AutoBool("DoSConnectionEnabled"),
                ConnectionMaxConcurrentCount = o.PosInt("DoSConnectionMaxConcurrentCount"),
                ConnectionDefenseType = o.PosInt("DoSConnectionDefenseType"),
                ConnectionConnectRate = o.PosInt("DoSConnectionConnectRate"),
                ConnectionConnectBurst = o.PosInt("DoSConnectionConnectBurst"),
                ConnectionConnectDefenseTimePeriod = o.Interval("DoSConnectionConnectDefenseTimePeriod"),
                RefuseSingleHopClientRendezvous = o.AutoBool("DoSRefuseSingleHopClientRendezvous"),
            },
            NumCPUs = o.PosInt("NumCPUs"),
            KeepalivePeriod = o.Interval("KeepalivePeriod"),
            HeartbeatPeriod = heartbeat,
            ShutdownWaitLength = o.Interval("ShutdownWaitLength"),
            SigningKeyLifetime = o.Interval("SigningKeyLifetime"),
            ExitRelay = o.AutoBool("ExitRelay"),
            ExitPolicy = exitPolicy,
            ExitPolicyRejectPrivate = o.Bool("ExitPolicyRejectPrivate"),
            ExitPolicyRejectLocalInterfaces = o.Bool("ExitPolicyRejectLocalInterfaces"),
            ReducedExitPolicy = o.Bool("ReducedExitPolicy"),
            IPv6Exit = o.Bool("IPv6Exit"),
            ServerDNSResolvConfFile = o.String("ServerDNSResolvConfFile"),
            ServerDNSDetectHijacking = o.Bool("ServerDNSDetectHijacking"),
            ServerDNSAllowBrokenConfig = o.Bool("ServerDNSAllowBrokenConfig"),
            ServerDNSRandomizeCase = o.Bool("ServerDNSRandomizeCase"),
            ServerDNSSearchDomains = o.Bool("ServerDNSSearchDomains"),
            ServerDNSAllowNonRFC953Hostnames = o.Bool("ServerDNSAllowNonRFC953Hostnames"),
            ServerDNSTestAddresses = o.String("ServerDNSTestAddresses")!,
            RefuseUnknownExits = o.AutoBool("RefuseUnknownExits"),
            Logs = logs.Count > 0 ? logs : defaultLogs ?? [LogSinkConfig.Default],
            LogMessageDomains = o.Bool("LogMessageDomains"),
            LogTimeGranularity = granularity,
            SafeLogging = safeLogging,
            AvoidDiskWrites = o.Bool("AvoidDiskWrites"),
            HardwareAccel = o.Bool("HardwareAccel"),
            DisableDebuggerAttachment = o.Bool("DisableDebuggerAttachment"),
            ProtocolWarnings = o.Bool("ProtocolWarnings"),
        };
    }

    /// <summary>tor's default: ~/.tor unless the home directory is "/" (or unknown), else /var/lib/tor.</summary>
    public static string DefaultDataDirectory()
    {
        string? home = Environment.GetEnvironmentVariable("HOME");
        return string.IsNullOrEmpty(home) || home == "/" ? "/var/lib/tor" : Path.Join(home, ".tor");
    }

    /// <summary>options_validate: AssumeReachableIPv6 0 cannot narrow what AssumeReachable 1 assumes.</summary>
    private static void CheckAssumeReachable(OptionReader o)
    {
        if (o.Bool("AssumeReachable") && o.AutoBool("AssumeReachableIPv6") == false)
            throw ConfigException.At(o.Line("AssumeReachableIPv6")!, "Cannot set AssumeReachable 1 and AssumeReachableIPv6 0.");
    }

    /// <summary>options_validate_relay_padding: torrelay always runs as a relay, and relays pad as the consensus says.</summary>
    private static void CheckPadding(OptionReader o)
    {
        if (o.AutoBool("ConnectionPadding") is not null)
            throw ConfigException.At(o.Line("ConnectionPadding")!, "Relays must use 'auto' for the ConnectionPadding setting.");
        if (o.Bool("ReducedConnectionPadding"))
            throw ConfigException.At(o.Line("ReducedConnectionPadding")!, "Relays cannot set ReducedConnectionPadding.");
    }

    /// <summary>options_validate's CHECK_DEFAULT: outside a testing network a Testing* interval must keep its default.</summary>
    private static TimeSpan TestingOnly(OptionReader o, bool testing, string name)
    {
        TimeSpan value = o.Interval(name);
        ConfigUnits.TryParseInterval(OptionTable.Options[name].Default!, out TimeSpan standard, out _);
        if (!testing && value != standard)
            throw ConfigException.At(o.Line(name)!, $"{name} may only be changed in testing Tor networks!");
        return value;
    }

    /// <summary>We never switch users, so "User" is accepted only when it names the user we already run as.</summary>
    private static void CheckUser(OptionReader o)
    {
        if (o.Line("User") is not { } line)
            return;
        if (line.Value != Environment.UserName)
        {
            throw ConfigException.At(line, $"User {line.Value}: torrelay does not switch users; start it as " +
                                           $"'{line.Value}' (e.g. with systemd's User=) and remove this line.");
        }
    }

    private static LogSinkConfig ParseLog(ConfigLine line)
    {
        if (!LogLineParser.TryParse(line.Value, out LogSinkConfig? sink, out string error))
            throw ConfigException.At(line, error);
        return sink!;
    }

    /// <summary>
    /// compute_publishserverdescriptor: returns whether to publish to the v3 authorities; "bridge" (and, for a
    /// BridgeRelay, "1") means publishing to bridge authorities instead.
    /// </summary>
    private static bool ParsePublish(OptionReader o, ICollection<string> warnings, bool bridgeRelay, out bool toBridgeAuthorities)
    {
        toBridgeAuthorities = false;
        ConfigLine? line = o.Line("PublishServerDescriptor");
        string value = o.String("PublishServerDescriptor")!;
        var items = value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        bool v3 = false;
        foreach (string item in items)
        {
            if (item == "1" && bridgeRelay)
                toBridgeAuthorities = true;
            else if (item == "1" || item.Equals("v3", StringComparison.OrdinalIgnoreCase))
                v3 = true;
            else if (item.Equals("v1", StringComparison.OrdinalIgnoreCase) || item.Equals("v2", StringComparison.OrdinalIgnoreCase))
                warnings.Add($"PublishServerDescriptor {item} has no effect, because there are no {item} directory authorities anymore.");
            else if (item.Equals("hidserv", StringComparison.OrdinalIgnoreCase))
                warnings.Add("PublishServerDescriptor hidserv is invalid. See PublishHidServDescriptors.");
            else if (item.Equals("bridge", StringComparison.OrdinalIgnoreCase))
                toBridgeAuthorities = true;
            else if (item != "0")
                throw ConfigException.At(line!, $"Unrecognized value '{item}' in PublishServerDescriptor");
        }
        if (items.Length > 1 && items.Any(i => i is "0" or "1"))
        {
            warnings.Add("You have passed a list of multiple arguments to the PublishServerDescriptor option that " +
                         "includes 0 or 1. 0 or 1 should only be used as the sole argument.");
        }
        return v3;
    }

    /// <summary>normalize_nickname_list: entries are nicknames or [$]HEX[~|=nick]; digests become "$HEX".</summary>
    private static List<string> ParseFamily(IReadOnlyList<ConfigLine> lines, ICollection<string> warnings)
    {
        var family = new List<string>();
        foreach (ConfigLine line in lines)
        {
            foreach (string entry in line.Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                string s = entry.StartsWith('$') ? entry[1..] : entry;
                if (s.Length >= 40 && ValueParsers.TryParseHexDigest(s[..40], out _) &&
                    (s.Length == 40 || (s[40] is '~' or '=' && ValueParsers.IsLegalNickname(s[41..]))))
                {
                    family.Add("$" + s[..40].ToUpperInvariant());
                }
                else if (!entry.StartsWith('$') && ValueParsers.IsLegalNickname(entry))
                {
                    warnings.Add($"{line.Source}:{line.Line}: MyFamily lists '{entry}' by nickname; please list it by " +
                                 "identity fingerprint instead.");
                    family.Add(entry);
                }
                else
                {
                    throw ConfigException.At(line, $"Invalid nickname '{entry}' in MyFamily line");
                }
            }
        }
        return family;
    }

    /// <summary>get_address_from_config's checks: IP literals or hostnames, at most one per address family.</summary>
    private static List<string> ParseAddresses(IReadOnlyList<ConfigLine> lines)
    {
        int v4 = 0, v6 = 0;
        foreach (ConfigLine line in lines)
        {
            if (ValueParsers.TryParseAddress(line.Value, out IPAddress a))
            {
                if (a.AddressFamily == AddressFamily.InterNetwork ? ++v4 > 1 : ++v6 > 1)
                {
                    string fam = a.AddressFamily == AddressFamily.InterNetwork ? "IPv4" : "IPv6";
                    throw ConfigException.At(line, $"Found 2 Address statements of address family {fam}. Only one is allowed.");
                }
            }
            else if (Uri.CheckHostName(line.Value) != UriHostNameType.Dns)
            {
                throw ConfigException.At(line, $"Address '{line.Value}' is neither an IP address nor a hostname.");
            }
        }
        return lines.Select(l => l.Value).ToList();
    }

    /// <summary>parse_outbound_address_lines: one IPv4 and one IPv6 address at most.</summary>
    private static OutboundBindAddresses ParseOutbound(IReadOnlyList<ConfigLine> lines, string what)
    {
        IPAddress? v4 = null, v6 = null;
        foreach (ConfigLine line in lines)
        {
            if (!ValueParsers.TryParseAddress(line.Value, out IPAddress a))
                throw ConfigException.At(line, $"Could not parse outbound bind address '{line.Value}'.");
            bool isV4 = a.AddressFamily == AddressFamily.InterNetwork;
            if ((isV4 ? v4 : v6) is not null)
            {
                throw ConfigException.At(line,
                    $"Multiple {(isV4 ? "IPv4" : "IPv6")}{what} outbound bind addresses configured: {line.Value}");
            }
            if (isV4)
                v4 = a;
            else
                v6 = a;
        }
        return v4 is null && v6 is null ? OutboundBindAddresses.None : new OutboundBindAddresses(v4, v6);
    }

    /// <summary>metrics_parse_ports: <c>[address:]port [prometheus]</c>, default address 127.0.0.1.</summary>
    private static IPEndPoint? ParseMetricsPort(IReadOnlyList<ConfigLine> lines)
    {
        if (lines.Count == 0)
            return null;
        if (lines.Count > 1)
            throw ConfigException.At(lines[1], "MetricsPort may be given only once (tor uses only the first line).");
        ConfigLine line = lines[0];
        string[] elts = line.Value.Split([' ', '\t'], 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (elts.Length == 2 && !elts[1].Equals("prometheus", StringComparison.OrdinalIgnoreCase))
            throw ConfigException.At(line, $"MetricsPort unknown format: {elts[1]}");
        if (ValueParsers.TryParsePort(elts[0], out int port))
            return port == 0 ? null : new IPEndPoint(IPAddress.Loopback, port);
        if (!ValueParsers.TryParseAddressPort(elts[0], portRequired: true, out IPAddress addr, out port))
            throw ConfigException.At(line, "MetricsPort address/port failed to parse or resolve.");
        return new IPEndPoint(addr, port);
    }
}
