using Microsoft.Extensions.Logging.Abstractions;
using TorRelay.Crypto;
using TorRelay.Relay.Exit.Dns;
using TorRelay.Relay.Tests.Keys;

namespace TorRelay.Relay.Tests.Exit.Dns;

/// <summary>Fake nameservers named in a temporary resolv.conf ("nameserver 127.0.0.1:PORT", which evdns accepts too).</summary>
internal sealed class ResolverFixture : IAsyncDisposable
{
    private readonly TempDirectory _dir = new();
    public FakeDnsServer[] Servers { get; }
    public ManualClock Clock { get; } = new();
    public RecordingDnsMetrics Metrics { get; } = new();
    public string ResolvConfPath => _dir.Combine("resolv.conf");
    public ExitResolver Resolver { get; private set; } = null!;

    public ResolverFixture(int servers = 1, string extraConf = "")
    {
        Servers = Enumerable.Range(0, servers).Select(_ => new FakeDnsServer()).ToArray();
        File.WriteAllText(ResolvConfPath,
            "# test nameservers\n" + string.Concat(Servers.Select(s => $"nameserver {s.EndPoint}\n")) + extraConf);
    }

    public FakeDnsServer Server => Servers[0];

    public ResolverFixture Start(Func<ExitResolverOptions, ExitResolverOptions>? configure = null, IRandomSource? random = null)
    {
        var options = new ExitResolverOptions { ResolvConfFile = ResolvConfPath, RandomizeCase = false };
        Resolver = ExitResolver.Create(configure?.Invoke(options) ?? options, NullLogger.Instance, Metrics, Clock,
            random ?? new ConstantRandom(0));
        return this;
    }

    public async ValueTask DisposeAsync()
    {
        Resolver?.Dispose();
        foreach (var server in Servers) await server.DisposeAsync();
        _dir.Dispose();
    }
}

/// <summary>Keeps what the resolver counted, as "record" and "record/reason".</summary>
internal sealed class RecordingDnsMetrics : IDnsMetrics
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _events = new();
    public IReadOnlyList<string> Events => _events.ToArray();
    public void Query(string record) => _events.Enqueue("query " + record);
    public void Error(string record, string reason) => _events.Enqueue($"error {record} {reason}");
}
