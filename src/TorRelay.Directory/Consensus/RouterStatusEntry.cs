using System.Net;

namespace TorRelay.Directory.Consensus;

/// <summary>One router in a consensus (dir-spec §3.4.1: r, a, s, v, pr, w, m; the ns flavour has p, not m).</summary>
public sealed class RouterStatusEntry
{
    public required string Nickname { get; init; }

    /// <summary>RSA identity digest (20 bytes), base64 in the "r" line.</summary>
    public required byte[] Identity { get; init; }

    public required DateTimeOffset Published { get; init; }
    public required IPAddress Address { get; init; }
    public required int OrPort { get; init; }
    public required int DirPort { get; init; }

    /// <summary>Further OR addresses from "a" lines (IPv6).</summary>
    public required IReadOnlyList<IPEndPoint> OrAddresses { get; init; }

    public required IReadOnlySet<string> Flags { get; init; }
    public string? Version { get; init; }
    public string? Protocols { get; init; }

    /// <summary>"w Bandwidth=" in kilobytes per second; null without a "w" line.</summary>
    public long? Bandwidth { get; init; }

    public long? MeasuredBandwidth { get; init; }
    public bool Unmeasured { get; init; }

    /// <summary>SHA-256 of the router's microdescriptor ("m" line); empty in an ns-flavoured consensus.</summary>
    public required byte[] MicrodescriptorDigest { get; init; }

    /// <summary>SHA-1 digest of the router's server descriptor (ns-flavoured "r" line); null in a microdesc consensus.</summary>
    public byte[]? DescriptorDigest { get; init; }

    public bool HasFlag(string flag) => Flags.Contains(flag);
    public bool IsRunning => HasFlag("Running");
    public bool IsValid => HasFlag("Valid");
    public bool IsExit => HasFlag("Exit");
    public bool IsGuard => HasFlag("Guard");
    public bool IsFast => HasFlag("Fast");
    public bool IsStable => HasFlag("Stable");
}
