using System.Net;

namespace TorRelay.Relay.Exit.Dns;

/// <summary>
/// A parsed answer to one query. <see cref="Addresses"/> or <see cref="Hostname"/> are the records of the asked type
/// reached from the question through any CNAME chain; <see cref="Ttl"/> is their smallest TTL (the chain's included), or
/// for an empty answer the SOA's negative-caching TTL (RFC 2308), or 0.
/// </summary>
public sealed record DnsResponse(DnsRcode Rcode, bool Truncated, IReadOnlyList<IPAddress> Addresses, string? Hostname, uint Ttl)
{
    public bool HasAnswer => Addresses.Count > 0 || Hostname is not null;
}
