using System.Net;
using TorRelay.Cells.Certs;
using TorRelay.Crypto;

namespace TorRelay.Directory.Descriptors;

/// <summary>A server descriptor whose signatures and certificates have been checked (dir-spec §2.1.1).</summary>
public sealed class ServerDescriptor
{
    /// <summary>The document as received (wire text, trailing blank lines removed).</summary>
    public required string Text { get; init; }

    /// <summary>SHA-1 of "router " through "router-signature\n": the descriptor digest of votes and /tor/server/d/.</summary>
    public required byte[] Digest { get; init; }

    public required string Nickname { get; init; }
    public required IPAddress Address { get; init; }
    public required int OrPort { get; init; }
    public required int DirPort { get; init; }
    public required IReadOnlyList<IPEndPoint> OrAddresses { get; init; }
    public string? Platform { get; init; }
    public required string Protocols { get; init; }
    public required DateTimeOffset Published { get; init; }
    public long? UptimeSeconds { get; init; }
    public required long BandwidthAverage { get; init; }
    public required long BandwidthBurst { get; init; }
    public required long BandwidthObserved { get; init; }

    /// <summary>SHA-1 of the RSA identity key's DER: the relay fingerprint.</summary>
    public required byte[] Fingerprint { get; init; }

    public required RsaPublicKey IdentityKey { get; init; }
    public required RsaPublicKey OnionKey { get; init; }
    public required byte[] NtorOnionKey { get; init; }
    public required Ed25519PublicKey MasterKey { get; init; }
    public required Ed25519Cert SigningKeyCert { get; init; }

    /// <summary>When the first of the ed25519 certificates expires.</summary>
    public required DateTimeOffset CertificatesExpire { get; init; }

    public required IReadOnlyList<string> Family { get; init; }
    public string? Contact { get; init; }

    /// <summary>The accept/reject lines in order, e.g. "reject *:*".</summary>
    public required IReadOnlyList<string> ExitPolicy { get; init; }

    public string? Ipv6Policy { get; init; }
    public byte[]? ExtraInfoDigest { get; init; }
    public byte[]? ExtraInfoDigest256 { get; init; }
    public bool HiddenServiceDir { get; init; }
    public bool TunnelledDirServer { get; init; }
    public bool CachesExtraInfo { get; init; }
    public bool Hibernating { get; init; }
}
