using System.Net;

namespace TorRelay.Relay.Exit;

/// <summary>The DNS lookups exit streams make (an interface so that the exit logic is testable without a resolver).</summary>
public interface IStreamResolver
{
    /// <summary>Addresses of <paramref name="hostname"/> in the families asked for; TTLs already clipped for clients.</summary>
    ValueTask<StreamLookup> LookupAsync(string hostname, bool ipv4, bool ipv6, CancellationToken ct);

    /// <summary>The name of <paramref name="address"/> (a RESOLVE for an in-addr.arpa / ip6.arpa name).</summary>
    ValueTask<StreamLookup> ReverseAsync(IPAddress address, CancellationToken ct);
}

public enum StreamLookupStatus
{
    Ok,
    /// <summary>The name does not exist (NXDOMAIN): RESOLVED error, non-transient.</summary>
    NameError,
    /// <summary>Timeout, SERVFAIL, no usable resolver: RESOLVED transient error.</summary>
    TransientError,
}

public sealed record StreamLookup(StreamLookupStatus Status, IReadOnlyList<(IPAddress Address, int Ttl)> Addresses, string? Hostname = null,
    int HostnameTtl = 0)
{
    public static StreamLookup Failed(StreamLookupStatus status) => new(status, []);
}
