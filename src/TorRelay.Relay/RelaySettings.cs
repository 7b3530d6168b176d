using System.Net;
using TorRelay.Directory;
using TorRelay.Directory.Policy;
using TorRelay.Relay.Exit;
using TorRelay.Relay.Exit.Dns;

namespace TorRelay.Relay;

/// <summary>What the relay role needs from the configuration, already validated (the Host maps torrc onto it).</summary>
public sealed record RelaySettings
{
    public required string Nickname { get; init; }
    public string? ContactInfo { get; init; }
    public required string DataDirectory { get; init; }

    /// <summary>Addresses to listen on (ORPort lines without NoListen).</summary>
    public required IReadOnlyList<IPEndPoint> OrListen { get; init; }

    /// <summary>The IPv4 address and ORPort published in our descriptor (ORPort lines without NoAdvertise).</summary>
    public required IPEndPoint AdvertisedOrPort { get; init; }

    /// <summary>Advertised IPv6 ORPorts ("or-address" lines).</summary>
    public IReadOnlyList<IPEndPoint> AdvertisedOrAddresses { get; init; } = [];

    public IPAddress? OutboundBindAddress { get; init; }
    public required IReadOnlyList<DirectoryAuthority> Authorities { get; init; }
    public bool AssumeReachable { get; init; }

    /// <summary>AssumeReachableIPv6: true skips the IPv6 ORPort's test only; null ("auto") and false test it.</summary>
    public bool? AssumeReachableIPv6 { get; init; }

    /// <summary>False for PublishServerDescriptor 0.</summary>
    public bool PublishDescriptor { get; init; } = true;

    public bool TestingTorNetwork { get; init; }

    /// <summary>BridgeRelay 1: not published to the v3 authorities; clients reach us through their Bridge line.</summary>
    public bool BridgeRelay { get; init; }

    /// <summary>Where our descriptor goes: the v3 authorities, or for a bridge only the bridge authorities.</summary>
    public IReadOnlyList<DirectoryAuthority> PublishTargets =>
        !PublishDescriptor ? [] : BridgeRelay ? Authorities.Where(a => a.IsBridgeAuthority).ToList()
            : Authorities.Where(a => a.IsV3Authority).ToList();

    /// <summary>ExtendAllowPrivateAddresses: extend to private addresses (on by default with TestingTorNetwork).</summary>
    public bool ExtendAllowPrivateAddresses { get; init; }

    /// <summary>Bytes per second (the lower of BandwidthRate and RelayBandwidthRate when set).</summary>
    public required long BandwidthRate { get; init; }
    public required long BandwidthBurst { get; init; }

    /// <summary>RelayBandwidthRate as configured, bytes per second (0: unset); caps the extra-info history totals.</summary>
    public long RelayBandwidthRate { get; init; }

    /// <summary>
    /// TestingMinTimeToReportBandwidth: the current day's peak counts towards our observed bandwidth only after this
    /// long (1 day; 0 with TestingTorNetwork).
    /// </summary>
    public TimeSpan TestingMinTimeToReportBandwidth { get; init; } = TimeSpan.FromDays(1);

    /// <summary>ExtraInfoStatistics: publish statistics (the bandwidth history and padding-counts lines) in extra-info.</summary>
    public bool ExtraInfoStatistics { get; init; } = true;

    /// <summary>PaddingStatistics: publish the padding-counts line (with ExtraInfoStatistics), once a day.</summary>
    public bool PaddingStatistics { get; init; } = true;

    public IReadOnlyList<string> Family { get; init; } = [];

    /// <summary>The exit role: our effective exit policy (reject-all for a non-exit) and how streams connect.</summary>
    public ExitSettings Exit { get; init; } = new() { Policy = ExitPolicy.RejectAll };

    /// <summary>ServerDNS* options: how exit streams resolve names.</summary>
    public ExitResolverOptions Dns { get; init; } = new();

    /// <summary>DoS* options from the torrc; what they leave unset comes from the consensus.</summary>
    public TorRelay.Core.Dos.DosTorrcOptions Dos { get; init; } = TorRelay.Core.Dos.DosTorrcOptions.Unset;

    /// <summary>MaxMemInQueues in bytes; 0: tor's automatic value from the machine's memory.</summary>
    public long MaxMemInQueues { get; init; }
}
