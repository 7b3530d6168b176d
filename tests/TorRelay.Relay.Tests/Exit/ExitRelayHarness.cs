using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using TorRelay.Cells;
using TorRelay.Core.Channels;
using TorRelay.Core.Circuits;
using TorRelay.Crypto;
using TorRelay.Directory.Policy;
using TorRelay.Relay.Circuits;
using TorRelay.Relay.Exit;
using TorRelay.Relay.Keys;

namespace TorRelay.Relay.Tests.Exit;

/// <summary>
/// Our relay with the exit role behind a real ORPort on 127.0.0.1 (ExtendHandler and ExitHandler, as RelayNode
/// composes them; a <see cref="FakeStreamResolver"/> for DNS), and clients that build one-hop circuits to it: as a
/// relay (an authenticated channel, the previous hop of a multi-hop circuit) or as a plain client.
/// </summary>
internal sealed class ExitRelayHarness : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _cleanup = [];
    private readonly List<IDisposable> _disposables = [];
    private readonly List<string> _dirs = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(60));
    private uint _nextCircId = 0x8000_0001;

    private ExitRelayHarness(FakeStreamResolver resolver) => Resolver = resolver;

    public FakeStreamResolver Resolver { get; }

    /// <summary>Bounds each test: cancelled a minute after the relay started.</summary>
    public CancellationToken Timeout => _timeout.Token;
    public RelayKeys Keys { get; private set; } = null!;
    public ChannelManager Channels { get; private set; } = null!;
    public CircuitSwitch Switch { get; private set; } = null!;
    public OrPortListener Listener { get; private set; } = null!;

    /// <summary>RSA identity fingerprints of the relays that <see cref="RelayClientAsync"/> connected as.</summary>
    public List<byte[]> ClientFingerprints { get; } = [];

    public static ExitPolicy Policy(bool rejectPrivate, params string[] lines) =>
        ExitPolicyBuilder.Build(new ExitPolicyOptions { ExitRelay = true, ExitPolicy = lines, ExitPolicyRejectPrivate = rejectPrivate });

    public static async Task<ExitRelayHarness> StartAsync(ExitPolicy policy, Func<byte[], bool>? isKnownRelay = null)
    {
        await Task.Yield();
        var h = new ExitRelayHarness(new FakeStreamResolver());
        var (store, keys) = h.NewKeys();
        var tls = h.Tls(keys);
        h.Keys = keys;
        h.Channels = new ChannelManager(tls, () => [IPAddress.Loopback], null, TimeProvider.System, SystemRandom.Instance,
            NullLoggerFactory.Instance);
        h._cleanup.Add(h.Channels);
        var exit = new ExitHandler(new ExitSettings { Policy = policy }, h.Resolver, isKnownRelay ?? (_ => true), NullLogger.Instance,
            h._stop.Token);
        h.Switch = new CircuitSwitch(new RelayCreateResponder(store, SystemRandom.Instance), SystemRandom.Instance, NullLogger.Instance)
        {
            RelayHandler = new CompositeRelayCommandHandler(
                new ExtendHandler(h.Channels, () => keys.Identity.PublicKey.Fingerprint, allowPrivateAddresses: true, NullLogger.Instance,
                    h._stop.Token),
                exit),
        };
        h.Channels.CellHandler = h.Switch;
        h.Listener = new OrPortListener(new IPEndPoint(IPAddress.Loopback, 0), h.Channels, NullLogger.Instance);
        h.Listener.Start();
        _ = h.Listener.RunAsync(h._stop.Token);
        h._cleanup.Add(h.Listener);
        return h;
    }

    /// <summary>A circuit from another relay (its channel authenticated with its keys), as an exit's previous hop is.</summary>
    public async Task<ClientCircuit> RelayClientAsync(CancellationToken ct)
    {
        var (_, keys) = NewKeys();
        ClientFingerprints.Add(keys.Identity.PublicKey.Fingerprint);
        var circuit = new ClientCircuit();
        var manager = new ChannelManager(Tls(keys), () => [IPAddress.Loopback], null, TimeProvider.System, SystemRandom.Instance,
            NullLoggerFactory.Instance) { CellHandler = circuit };
        _cleanup.Add(circuit);
        _cleanup.Add(manager);
        var channel = await manager.GetOrOpenAsync(Listener.LocalEndPoint, Keys.Identity.PublicKey.Fingerprint, ct);
        await circuit.OpenAsync(channel, new CircId(_nextCircId++), ct);
        return circuit;
    }

    /// <summary>A circuit from a plain client: the exit would be its first hop.</summary>
    public async Task<ClientCircuit> UnauthenticatedClientAsync(CancellationToken ct)
    {
        var (_, keys) = NewKeys(); // for the TLS certificate only: the link never proves this identity
        var circuit = new ClientCircuit();
        _cleanup.Add(circuit);
        var channel = await UnauthenticatedLink.OpenAsync(Listener.LocalEndPoint, Tls(keys), circuit, ct);
        _cleanup.Add(channel);
        await circuit.OpenAsync(channel, new CircId(_nextCircId++), ct);
        return circuit;
    }

    /// <summary>The relay's side of the only circuit it has.</summary>
    public RelayCircuit OnlyCircuit() =>
        Channels.Snapshot().SelectMany(c => c.Circuits.Values).OfType<CircuitLeg>().Single(l => l.IsPrevious).Circuit;

    private (RelayKeyStore Store, RelayKeys Keys) NewKeys()
    {
        string dir = System.IO.Directory.CreateTempSubdirectory("torrelay-exit-").FullName;
        _dirs.Add(dir);
        var store = new RelayKeyStore(dir, TimeProvider.System, NullLogger.Instance);
        return (store, store.LoadOrCreate());
    }

    private TlsLinkTransportFactory Tls(RelayKeys keys)
    {
        var tls = new TlsLinkTransportFactory(new LinkCredentialsFactory(TimeProvider.System, SystemRandom.Instance).Create(keys));
        _disposables.Add(tls);
        return tls;
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        // Clients first, then the relay: the reverse of the order they were made in.
        for (int i = _cleanup.Count - 1; i >= 0; i--) await _cleanup[i].DisposeAsync();
        foreach (var d in _disposables) d.Dispose();
        foreach (var d in _dirs) System.IO.Directory.Delete(d, recursive: true);
        _stop.Dispose();
        _timeout.Dispose();
    }
}
