using System.Net;
using TorRelay.Relay.Exit.Dns;

namespace TorRelay.Relay.Exit;

/// <summary>Exit streams' lookups through our asynchronous resolver (TTLs come back clipped and blurred as C tor's).</summary>
public sealed class DnsStreamResolver(ExitResolver resolver) : IStreamResolver
{
    public async ValueTask<StreamLookup> LookupAsync(string hostname, bool ipv4, bool ipv6, CancellationToken ct)
    {
        var families = (ipv4 ? DnsQueryFamily.Ipv4 : 0) | (ipv6 ? DnsQueryFamily.Ipv6 : 0);
        return Convert(await resolver.ResolveAsync(hostname, families, ct).ConfigureAwait(false));
    }

    public async ValueTask<StreamLookup> ReverseAsync(IPAddress address, CancellationToken ct) =>
        Convert(await resolver.ResolvePtrAsync(address, ct).ConfigureAwait(false));

    private static StreamLookup Convert(DnsAnswer answer) => new(
        answer.Status switch
        {
            DnsStatus.Ok => StreamLookupStatus.Ok,
            DnsStatus.NameError => StreamLookupStatus.NameError,
            _ => StreamLookupStatus.TransientError,
        },
        answer.Addresses.Select(a => (a.Address, (int)Math.Min(a.Ttl, int.MaxValue))).ToList(),
        answer.Hostname,
        (int)Math.Min(answer.Ttl, int.MaxValue));
}
