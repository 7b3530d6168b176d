using System.Net;
using TorRelay.Directory;
using TorRelay.Directory.Policy;
using TorRelay.Host.Logging;

namespace TorRelay.Host.Config;

/// <summary>
/// The validated relay configuration, immutable, with tor's names and defaults (tor(1)). Built by
/// <see cref="ConfigLoader"/> from the defaults torrc, the torrc and the command line.
/// </summary>
public sealed record RelayOptions
{
    // ---- Identity and files ----

    /// <summary>1–19 characters [A-Za-z0-9]; "Unnamed" when unset, as tor.</summary>
    public required string Nickname { get; init; }

    public string? ContactInfo { get; init; }

    /// <summary>Absolute; tor's default is ~/.tor, or /var/lib/tor when the home directory is "/".</summary>
    public required string DataDirectory { get; init; }

    /// <summary>Defaults to DataDirectory.</summary>
    public required string CacheDirectory { get; init; }

    /// <summary>Defaults to DataDirectory/keys.</summary>
    public required string KeyDirectory { get; init; }

    /// <summary>Write our PID here at start (tor's PidFile); null for none.</summary>
    public string? PidFile { get; init; }

    // ---- Addresses and ports ----

    /// <summary>ORPort lines after tor's expansion; never empty in a loaded configuration.</summary>
    public required IReadOnlyList<OrPortConfig> ORPorts { get; init; }

    /// <summary>Address lines as written: an IP literal or a hostname, at most one per family.</summary>
    public IReadOnlyList<string> Address { get; init; } = [];

    public bool AddressDisableIPv6 { get; init; }

    public OutboundBindAddresses OutboundBindAddress { get; init; } = OutboundBindAddresses.None;
    public OutboundBindAddresses OutboundBindAddressOR { get; init; } = OutboundBindAddresses.None;
    public OutboundBindAddresses OutboundBindAddressExit { get; init; } = OutboundBindAddresses.None;

    /// <summary>Skip the ORPort self-test before publishing.</summary>
    public bool AssumeReachable { get; init; }

    /// <summary>null is "auto" (follow AssumeReachable).</summary>
    public bool? AssumeReachableIPv6 { get; init; }

    /// <summary>Prometheus listener (default address 127.0.0.1); null when unset or 0.</summary>
    public IPEndPoint? MetricsPort { get; init; }

    /// <summary>Validated rules ("accept 127.0.0.1", ...), in order; tor rejects everything not accepted.</summary>
    public IReadOnlyList<string> MetricsPortPolicy { get; init; } = [];

    // ---- Directory ----

    /// <summary>Empty means the default (public) authorities.</summary>
    public IReadOnlyList<DirectoryAuthority> DirAuthorities { get; init; } = [];

    public bool TestingTorNetwork { get; init; }

    /// <summary>The current day's peak counts towards our observed bandwidth only after this long (0 under TestingTorNetwork).</summary>
    public TimeSpan TestingMinTimeToReportBandwidth { get; init; } = TimeSpan.FromDays(1);

    /// <summary>Upload our descriptor to the v3 authorities (PublishServerDescriptor 1/v3); false for 0.</summary>
    public bool PublishServerDescriptor { get; init; } = true;

    /// <summary>BridgeRelay 1: a bridge, whose descriptor goes only to bridge authorities (if any).</summary>
    public bool BridgeRelay { get; init; }

    /// <summary>Upload our descriptor to the bridge authorities (PublishServerDescriptor bridge, or 1 on a bridge).</summary>
    public bool PublishToBridgeAuthorities { get; init; }

    public bool DirCache { get; init; } = true;
    public bool DirAllowPrivateAddresses { get; init; }

    // ---- Relay behaviour ----

    /// <summary>Allow EXTEND2 to private addresses (default 1 under TestingTorNetwork).</summary>
    public bool ExtendAllowPrivateAddresses { get; init; }

    public bool CountPrivateBandwidth { get; init; }

    /// <summary>Family members: "$" + 40 uppercase hex digits, or a nickname kept as written (tor warns).</summary>
    public IReadOnlyList<string> MyFamily { get; init; } = [];

    /// <summary>Bytes per second, after tor's normalisation (raised to RelayBandwidthRate if lower).</summary>
    public ulong BandwidthRate { get; init; } = 1UL << 30;

    public ulong BandwidthBurst { get; init; } = 1UL << 30;

    /// <summary>0 = same as BandwidthRate.</summary>
    public ulong RelayBandwidthRate { get; init; }

    /// <summary>ExtraInfoStatistics: the statistics lines in our extra-info (bandwidth history, padding counts).</summary>
    public bool ExtraInfoStatistics { get; init; } = true;

    /// <summary>PaddingStatistics: the padding-counts line in our extra-info.</summary>
    public bool PaddingStatistics { get; init; } = true;

    public ulong RelayBandwidthBurst { get; init; }
    public ulong MaxAdvertisedBandwidth { get; init; } = 1UL << 30;

    /// <summary>0 = tor's automatic choice.</summary>
    public ulong MaxMemInQueues { get; init; }

    public int ConnLimit { get; init; } = 1000;

    /// <summary>DoS* options; unset values come from the consensus.</summary>
    public TorRelay.Core.Dos.DosTorrcOptions Dos { get; init; } = TorRelay.Core.Dos.DosTorrcOptions.Unset;

    /// <summary>0 = number of processors.</summary>
    public int NumCPUs { get; init; }

    public TimeSpan KeepalivePeriod { get; init; } = TimeSpan.FromMinutes(5);
    /// <summary>0 disables the heartbeat message; at least 30 minutes outside TestingTorNetwork, as tor.</summary>
    public TimeSpan HeartbeatPeriod { get; init; } = TimeSpan.FromHours(6);
    public TimeSpan ShutdownWaitLength { get; init; } = TimeSpan.FromSeconds(30);
    public TimeSpan SigningKeyLifetime { get; init; } = TimeSpan.FromDays(30);

    // ---- Exit ----

    /// <summary>null is "auto".</summary>
    public bool? ExitRelay { get; init; }

    /// <summary>Validated rules in order ("reject *:25", "accept *:*" ...), each comma-separated entry separately.</summary>
    public IReadOnlyList<string> ExitPolicy { get; init; } = [];

    public bool ExitPolicyRejectPrivate { get; init; } = true;
    public bool ExitPolicyRejectLocalInterfaces { get; init; }
    public bool ReducedExitPolicy { get; init; }
    public bool IPv6Exit { get; init; }

    /// <summary>tor's rule (<see cref="ExitPolicyOptions.IsExit"/>).</summary>
    public bool IsExit => ExitPolicyOptions.IsExitConfigured(ExitRelay, ExitPolicy.Count, ReducedExitPolicy, IPv6Exit);

    public string? ServerDNSResolvConfFile { get; init; }
    public bool ServerDNSDetectHijacking { get; init; } = true;
    public bool ServerDNSAllowBrokenConfig { get; init; } = true;
    public bool ServerDNSRandomizeCase { get; init; } = true;
    public bool ServerDNSSearchDomains { get; init; }
    public bool ServerDNSAllowNonRFC953Hostnames { get; init; }
    /// <summary>Comma-separated, as in torrc (a CSV option: entries are trimmed and empty ones dropped where used).</summary>
    public string ServerDNSTestAddresses { get; init; } = "www.google.com,www.mit.edu,www.yahoo.com,www.slashdot.org";

    /// <summary>null: auto (the consensus parameter refuseunknownexits, 1 by default).</summary>
    public bool? RefuseUnknownExits { get; init; }

    // ---- Logging ----

    /// <summary>The Log lines; tor's default (<c>notice stdout</c>) when none, empty under --quiet.</summary>
    public IReadOnlyList<LogSinkConfig> Logs { get; init; } = [LogSinkConfig.Default];

    public bool LogMessageDomains { get; init; }
    public TimeSpan LogTimeGranularity { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>"1", "0" or "relay".</summary>
    public string SafeLogging { get; init; } = "1";

    // ---- Accepted, no effect on torrelay ----

    public bool AvoidDiskWrites { get; init; }
    public bool HardwareAccel { get; init; }
    public bool DisableDebuggerAttachment { get; init; } = true;
    public bool ProtocolWarnings { get; init; }
}
