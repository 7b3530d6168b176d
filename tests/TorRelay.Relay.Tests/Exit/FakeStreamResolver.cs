using System.Net;
using TorRelay.Relay.Exit;

namespace TorRelay.Relay.Tests.Exit;

/// <summary>Answers lookups from fixed tables and counts the questions; unknown names are NXDOMAIN.</summary>
internal sealed class FakeStreamResolver : IStreamResolver
{
    private int _lookups;
    private int _reverses;

    /// <summary>Forward answers: name → (address, TTL).</summary>
    public Dictionary<string, (IPAddress Address, int Ttl)> Names { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Reverse answers: address → (name, TTL).</summary>
    public Dictionary<IPAddress, (string Name, int Ttl)> Reverse { get; } = new();

    public int Lookups => Volatile.Read(ref _lookups);
    public int Reverses => Volatile.Read(ref _reverses);

    public ValueTask<StreamLookup> LookupAsync(string hostname, bool ipv4, bool ipv6, CancellationToken ct)
    {
        Interlocked.Increment(ref _lookups);
        return ValueTask.FromResult(Names.TryGetValue(hostname, out var a)
            ? new StreamLookup(StreamLookupStatus.Ok, [(a.Address, a.Ttl)])
            : StreamLookup.Failed(StreamLookupStatus.NameError));
    }

    public ValueTask<StreamLookup> ReverseAsync(IPAddress address, CancellationToken ct)
    {
        Interlocked.Increment(ref _reverses);
        return ValueTask.FromResult(Reverse.TryGetValue(address, out var n)
            ? new StreamLookup(StreamLookupStatus.Ok, [], n.Name, n.Ttl)
            : StreamLookup.Failed(StreamLookupStatus.NameError));
    }
}
