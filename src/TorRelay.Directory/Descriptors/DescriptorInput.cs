using System.Net;
using TorRelay.Cells.Certs;
using TorRelay.Crypto;

namespace TorRelay.Directory.Descriptors;

/// <summary>Everything a relay's server descriptor and extra-info document are built from (dir-spec §2.1.1, §2.1.2).</summary>
public sealed record DescriptorInput
{
    /// <summary>1–19 characters of [A-Za-z0-9].</summary>
    public required string Nickname { get; init; }

    public required IPAddress Address { get; init; }
    public required int OrPort { get; init; }

    /// <summary>Advertised DirPort; 0 (no DirPort) as 0.4.9 relays publish.</summary>
    public int DirPort { get; init; }

    /// <summary>IPv6 ORPorts for "or-address" lines (C tor publishes at most one).</summary>
    public IReadOnlyList<IPEndPoint> OrAddresses { get; init; } = [];

    /// <summary>e.g. "TorRelay 0.1.0 on .NET 10". A value starting with "Tor " is version-checked by authorities.</summary>
    public required string Platform { get; init; }

    /// <summary>The "proto" value, e.g. "Cons=1-2 Desc=1-2 Link=4-5 …".</summary>
    public required string Protocols { get; init; }

    /// <summary>Publication time; truncated to whole seconds.</summary>
    public required DateTimeOffset Published { get; init; }

    public long UptimeSeconds { get; init; }

    /// <summary>Bytes per second: average, burst, observed.</summary>
    public required long BandwidthAverage { get; init; }
    public required long BandwidthBurst { get; init; }
    public required long BandwidthObserved { get; init; }

    /// <summary>MyFamily entries: "$HEX", "HEX", "$HEX=nick", or nicknames; canonicalized as C tor does.</summary>
    public IReadOnlyList<string> Family { get; init; } = [];

    public string? Contact { get; init; }

    /// <summary>IPv4 exit policy lines ("accept 127.0.0.1:80", "reject *:*"); empty or all-reject means "reject *:*".</summary>
    public IReadOnlyList<string> ExitPolicy { get; init; } = [];

    /// <summary>Optional IPv6 policy summary ("accept 80,443"); omitted when null or "reject 1-65535".</summary>
    public string? Ipv6PolicySummary { get; init; }

    public bool TunnelledDirServer { get; init; }

    /// <summary>"hidden-service-dir": only a relay that stores onion-service descriptors (HSDir) may say so.</summary>
    public bool HiddenServiceDir { get; init; }

    /// <summary>BridgeRelay 1: the "bridge-distribution-request" value (C tor's BridgeDistribution, default "any").</summary>
    public string? BridgeDistribution { get; init; }
    public bool Hibernating { get; init; }

    /// <summary>Statistics lines for the extra-info document (each a whole line without its newline).</summary>
    public IReadOnlyList<string> ExtraInfoLines { get; init; } = [];

    /// <summary>Validity of the ntor-onion-key-crosscert (network parameter onion-key-rotation-days, default 28).</summary>
    public TimeSpan OnionKeyLifetime { get; init; } = TimeSpan.FromDays(28);

    /// <summary>RSA-1024 identity key ("signing-key", "router-signature").</summary>
    public required RsaPrivateKey IdentityKey { get; init; }

    /// <summary>The ed25519 signing key certified by <see cref="SigningKeyCert"/>.</summary>
    public required Ed25519KeyPair SigningKey { get; init; }

    /// <summary>Type-4 certificate of the signing key by the master key, with the signed-with-key extension.</summary>
    public required Ed25519Cert SigningKeyCert { get; init; }

    public required Ed25519PublicKey MasterKey { get; init; }

    /// <summary>Legacy TAP onion key (authorities still require it and its crosscert).</summary>
    public required RsaPrivateKey OnionKey { get; init; }

    public required Curve25519KeyPair NtorOnionKey { get; init; }
}
