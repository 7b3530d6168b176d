using System.Net;

namespace TorRelay.Relay.Exit.Dns;

/// <summary>One address with the TTL to report for it (already clipped and blurred as C tor does).</summary>
public readonly record struct DnsAddress(IPAddress Address, uint Ttl);

/// <summary>
/// What the exit tells the client. <see cref="Addresses"/> lists IPv4 before IPv6, each in the nameserver's order (C tor
/// uses the first of each family). <see cref="Ttl"/> is the one TTL C tor puts in RESOLVED: the IPv4 lookup's when it
/// answered, else the IPv6 lookup's; for an error, that of the lookup whose error is reported (IPv4 first).
/// </summary>
public sealed record DnsAnswer(DnsStatus Status, DnsOutcome Outcome, IReadOnlyList<DnsAddress> Addresses, string? Hostname, uint Ttl)
{
    /// <summary>An address literal, answered without a query and with DEFAULT_DNS_TTL.</summary>
    public static DnsAnswer Literal(IPAddress address) =>
        new(DnsStatus.Ok, DnsOutcome.Success, [new DnsAddress(address, DnsTtl.Default)], null, DnsTtl.Default);

    /// <summary>Refused before any query (C tor's -1 from dns_resolve_impl).</summary>
    public static DnsAnswer Refused(uint ttl = DnsTtl.Default) => new(DnsStatus.NameError, DnsOutcome.Unknown, [], null, ttl);

    internal static DnsStatus StatusOf(DnsOutcome outcome) =>
        outcome == DnsOutcome.Success ? DnsStatus.Ok : outcome.IsTransient() ? DnsStatus.TransientError : DnsStatus.NameError;
}
