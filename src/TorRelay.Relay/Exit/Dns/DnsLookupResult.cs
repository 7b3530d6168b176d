using System.Net;

namespace TorRelay.Relay.Exit.Dns;

/// <summary>The cached outcome of one (name, type) lookup; <see cref="Ttl"/> is clip_dns_fuzzy_ttl of the record TTL.</summary>
internal sealed record DnsLookupResult(DnsOutcome Outcome, IReadOnlyList<IPAddress> Addresses, string? Hostname, uint Ttl);
