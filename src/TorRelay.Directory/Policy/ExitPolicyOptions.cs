using System.Net;

namespace TorRelay.Directory.Policy;

/// <summary>
/// What decides a relay's exit policy: the torrc options (defaults as C tor 0.4.9's) and the addresses that
/// ExitPolicyRejectPrivate and ExitPolicyRejectLocalInterfaces reject, supplied by the caller.
/// </summary>
public sealed record ExitPolicyOptions
{
    /// <summary>ExitRelay 0|1|auto; null is auto (an exit only if ExitPolicy, ReducedExitPolicy or IPv6Exit is set).</summary>
    public bool? ExitRelay { get; init; }

    /// <summary>The values of the ExitPolicy lines, in order; each may hold several comma-separated entries.</summary>
    public IReadOnlyList<string> ExitPolicy { get; init; } = [];

    /// <summary>tor's rule: ExitRelay 1, or ExitRelay auto with an ExitPolicy, ReducedExitPolicy or IPv6Exit configured.</summary>
    public bool IsExit => IsExitConfigured(ExitRelay, ExitPolicy.Count, ReducedExitPolicy, IPv6Exit);

    /// <summary><see cref="IsExit"/> from the raw options, for callers that hold them before building these options.</summary>
    public static bool IsExitConfigured(bool? exitRelay, int exitPolicyLines, bool reducedExitPolicy, bool ipv6Exit) =>
        exitRelay ?? (exitPolicyLines > 0 || reducedExitPolicy || ipv6Exit);

    /// <summary>ExitPolicyRejectPrivate (default 1): reject private networks and our published addresses.</summary>
    public bool ExitPolicyRejectPrivate { get; init; } = true;

    /// <summary>ExitPolicyRejectLocalInterfaces (default 0): reject outbound bind, port and interface addresses.</summary>
    public bool ExitPolicyRejectLocalInterfaces { get; init; }

    /// <summary>ReducedExitPolicy: append the reduced policy instead of the default one.</summary>
    public bool ReducedExitPolicy { get; init; }

    /// <summary>IPv6Exit (default 0): without it every IPv6 destination is rejected first.</summary>
    public bool IPv6Exit { get; init; }

    /// <summary>BridgeRelay: no default policy is appended, so an exit policy ends in reject *:*.</summary>
    public bool BridgeRelay { get; init; }

    /// <summary>Our published IPv4 address (the descriptor's), rejected under ExitPolicyRejectPrivate.</summary>
    public IPAddress? PublishedIPv4Address { get; init; }

    /// <summary>Our published IPv6 address, rejected under ExitPolicyRejectPrivate (with IPv6Exit).</summary>
    public IPAddress? PublishedIPv6Address { get; init; }

    /// <summary>OutboundBindAddress* values, rejected under ExitPolicyRejectLocalInterfaces.</summary>
    public IReadOnlyList<IPAddress> OutboundBindAddresses { get; init; } = [];

    /// <summary>Bind addresses of our configured ports (ORPort, DirPort, ControlPort, DNSPort ...), same.</summary>
    public IReadOnlyList<IPAddress> PortAddresses { get; init; } = [];

    /// <summary>The addresses on this host's interfaces (only public ones end up rejected), same.</summary>
    public IReadOnlyList<IPAddress> InterfaceAddresses { get; init; } = [];
}
