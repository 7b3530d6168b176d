using System.Collections.Frozen;

namespace TorRelay.Host.Config;

/// <summary>
/// The torrc options torrelay accepts, with tor's names, types and defaults (app/config/config.c option_vars_,
/// testnet.inc). Options whose feature we lack are listed with the values that make them a no-op.
/// </summary>
public static class OptionTable
{
    private static readonly string[] Zero = ["0"];

    public static readonly FrozenDictionary<string, OptionDefinition> Options = new OptionDefinition[]
    {
        // Identity and paths.
        new("Nickname", OptionType.String),
        new("ContactInfo", OptionType.String),
        new("DataDirectory", OptionType.Filename),
        new("CacheDirectory", OptionType.Filename),
        new("KeyDirectory", OptionType.Filename),
        new("PidFile", OptionType.Filename),
        new("User", OptionType.String),

        // Addresses and ports.
        new("ORPort", OptionType.Port),
        new("Address", OptionType.LineList),
        new("AddressDisableIPv6", OptionType.Bool, "0"),
        new("OutboundBindAddress", OptionType.LineList),
        new("OutboundBindAddressOR", OptionType.LineList),
        new("OutboundBindAddressExit", OptionType.LineList),
        new("AssumeReachable", OptionType.Bool, "0"),
        new("AssumeReachableIPv6", OptionType.AutoBool, "auto"),
        new("DirPort", OptionType.Port, Allowed: Zero, Unsupported: "does not implement the DirPort yet"),
        new("SocksPort", OptionType.Port, Allowed: Zero,
            Unsupported: "only runs as a relay: the client role is not available yet"),
        new("ControlPort", OptionType.Port, Allowed: Zero, Unsupported: "does not implement the control port"),
        new("CookieAuthentication", OptionType.Bool, "0"), // only used by the ControlPort, which is always off
        new("MetricsPort", OptionType.Port),
        new("MetricsPortPolicy", OptionType.LineList),

        // Directory.
        new("DirAuthority", OptionType.LineList),
        new("TestingTorNetwork", OptionType.Bool, "0"),
        new("PublishServerDescriptor", OptionType.Csv, "1"),
        new("DirCache", OptionType.Bool, "1"),
        new("DirAllowPrivateAddresses", OptionType.Bool, "0", TestingDefault: "1"),
        new("TestingMinTimeToReportBandwidth", OptionType.Interval, "1 day", TestingDefault: "0 seconds"),

        // Relay behaviour.
        new("ExtendAllowPrivateAddresses", OptionType.Bool, "0", TestingDefault: "1"),
        new("CountPrivateBandwidth", OptionType.Bool, "0", TestingDefault: "1"),
        new("MyFamily", OptionType.LineList),
        new("BandwidthRate", OptionType.MemUnit, "1 GB"),
        new("BandwidthBurst", OptionType.MemUnit, "1 GB"),
        new("RelayBandwidthRate", OptionType.MemUnit, "0"),
        new("RelayBandwidthBurst", OptionType.MemUnit, "0"),
        new("MaxAdvertisedBandwidth", OptionType.MemUnit, "1 GB"),
        new("MaxMemInQueues", OptionType.MemUnit, "0"),
        new("ConnLimit", OptionType.PosInt, "1000"),
        new("NumCPUs", OptionType.PosInt, "0"),
        new("KeepalivePeriod", OptionType.Interval, "5 minutes"),
        new("HeartbeatPeriod", OptionType.Interval, "6 hours"),
        new("ShutdownWaitLength", OptionType.Interval, "30 seconds"),
        new("SigningKeyLifetime", OptionType.Interval, "30 days"),
        new("OfflineMasterKey", OptionType.Bool, "0", Allowed: Zero, Unsupported: "does not support offline master keys yet"),

        // Client padding preferences (config.c); a relay must leave both at their defaults (relay_config.c).
        new("ConnectionPadding", OptionType.AutoBool, "auto"),
        new("ReducedConnectionPadding", OptionType.Bool, "0"),

        // DoS mitigation (C tor's core/or/dos_options.inc): 0 and auto mean "from the consensus".
        new("DoSCircuitCreationEnabled", OptionType.AutoBool, "auto"),
        new("DoSCircuitCreationMinConnections", OptionType.PosInt, "0"),
        new("DoSCircuitCreationRate", OptionType.PosInt, "0"),
        new("DoSCircuitCreationBurst", OptionType.PosInt, "0"),
        new("DoSCircuitCreationDefenseType", OptionType.PosInt, "0"),
        new("DoSCircuitCreationDefenseTimePeriod", OptionType.Interval, "0"),
        new("DoSConnectionEnabled", OptionType.AutoBool, "auto"),
        new("DoSConnectionMaxConcurrentCount", OptionType.PosInt, "0"),
        new("DoSConnectionDefenseType", OptionType.PosInt, "0"),
        new("DoSConnectionConnectRate", OptionType.PosInt, "0"),
        new("DoSConnectionConnectBurst", OptionType.PosInt, "0"),
        new("DoSConnectionConnectDefenseTimePeriod", OptionType.Interval, "0"),
        new("DoSRefuseSingleHopClientRendezvous", OptionType.AutoBool, "auto"),

        // Exit.
        new("ExitRelay", OptionType.AutoBool, "auto"),
        new("ExitPolicy", OptionType.LineList),
        new("ExitPolicyRejectPrivate", OptionType.Bool, "1", TestingDefault: "0"),
        new("ExitPolicyRejectLocalInterfaces", OptionType.Bool, "0"),
        new("ReducedExitPolicy", OptionType.Bool, "0"),
        new("IPv6Exit", OptionType.Bool, "0"),
        new("ServerDNSResolvConfFile", OptionType.Filename),
        new("ServerDNSDetectHijacking", OptionType.Bool, "1"),
        new("ServerDNSAllowBrokenConfig", OptionType.Bool, "1"),
        new("ServerDNSRandomizeCase", OptionType.Bool, "1"),
        new("ServerDNSSearchDomains", OptionType.Bool, "0"),
        new("ServerDNSAllowNonRFC953Hostnames", OptionType.Bool, "0"),
        new("ServerDNSTestAddresses", OptionType.Csv, "www.google.com,www.mit.edu,www.yahoo.com,www.slashdot.org"),
        new("RefuseUnknownExits", OptionType.AutoBool, "auto"),

        // Logging.
        new("Log", OptionType.LineList),
        new("LogMessageDomains", OptionType.Bool, "0"),
        new("LogTimeGranularity", OptionType.MsecInterval, "1 second"),
        new("SafeLogging", OptionType.String, "1"),

        // Process; accepted where their value is a no-op for us.
        new("RunAsDaemon", OptionType.Bool, "0", Allowed: Zero,
            Unsupported: "does not daemonize: run it in the foreground under a service manager"),
        new("Sandbox", OptionType.Bool, "0", Allowed: Zero, Unsupported: "has no seccomp sandbox"),
        new("ClientOnly", OptionType.Bool, "0", Allowed: Zero, Unsupported: "only runs as a relay"),
        new("BridgeRelay", OptionType.Bool, "0"),
        new("DisableNetwork", OptionType.Bool, "0", Allowed: Zero, Unsupported: "does not implement DisableNetwork"),
        new("AccountingMax", OptionType.MemUnit, "0", Allowed: Zero, Unsupported: "does not implement accounting/hibernation"),
        new("AvoidDiskWrites", OptionType.Bool, "0"),
        new("HardwareAccel", OptionType.Bool, "0"),
        new("DisableDebuggerAttachment", OptionType.Bool, "1"),
        new("ProtocolWarnings", OptionType.Bool, "0"),
        new("ClientUseIPv6", OptionType.Bool, "0"), // client option; torrelay has no client, so any value is a no-op
        new("GeoIPFile", OptionType.Filename),     // torrelay keeps no per-country statistics
        new("GeoIPv6File", OptionType.Filename),

        // Statistics: of these torrelay publishes the extra-info bandwidth history (ExtraInfoStatistics) and the
        // padding-counts line (PaddingStatistics, under ExtraInfoStatistics as in tor); for the others "off" and tor's
        // default are both no-ops.
        new("DirReqStatistics", OptionType.Bool, "1"),
        new("ExtraInfoStatistics", OptionType.Bool, "1"),
        new("HiddenServiceStatistics", OptionType.Bool, "1"),
        new("OverloadStatistics", OptionType.Bool, "1"),
        new("PaddingStatistics", OptionType.Bool, "1"),
        new("EntryStatistics", OptionType.Bool, "0", Allowed: Zero, Unsupported: "does not collect entry statistics"),
        new("ExitPortStatistics", OptionType.Bool, "0", Allowed: Zero, Unsupported: "does not collect exit-port statistics"),
        new("ConnDirectionStatistics", OptionType.Bool, "0", Allowed: Zero,
            Unsupported: "does not collect connection statistics"),
        new("CellStatistics", OptionType.Bool, "0", Allowed: Zero, Unsupported: "does not collect cell statistics"),
    }.ToFrozenDictionary(d => d.Name, StringComparer.OrdinalIgnoreCase);

    /// <summary>tor's option_abbrevs_ that still name options we have (config.c); "l" only on the command line.</summary>
    public static readonly FrozenDictionary<string, string> Abbreviations = new Dictionary<string, string>
    {
        ["DirServer"] = "DirAuthority",
        ["BandwidthRateBytes"] = "BandwidthRate",
        ["BandwidthBurstBytes"] = "BandwidthBurst",
        ["NumCPU"] = "NumCPUs",
        ["MaxMemInCellQueues"] = "MaxMemInQueues",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    /// <summary>Finds an option by name or abbreviation (case-insensitive); throws a ConfigException naming the line.</summary>
    public static OptionDefinition Find(ConfigLine line, bool commandLine = false)
    {
        string key = line.Key;
        if (commandLine && key.Equals("l", StringComparison.OrdinalIgnoreCase))
            key = "Log";
        if (Abbreviations.TryGetValue(key, out string? full))
            key = full;
        if (Options.TryGetValue(key, out OptionDefinition? def))
            return def;
        if (TorKnownOptions.Names.Contains(key))
            throw ConfigException.At(line, $"Option '{line.Key}' is a tor option that torrelay does not support.");
        throw ConfigException.At(line, $"Unknown option '{line.Key}'.  Failing.");
    }
}
