using System.Net;
using TorRelay.TestNet;

namespace TorRelay.Interop;

/// <summary>
/// Starts one private network — 3 authorities, a relay, an exit (127.0.0.1 only), a client and our relay from
/// bin/torrelay — for every test in the "TorNetwork" collection, and on dispose fails the run if any process it
/// started is still alive. A missing binary fails every test (it never skips).
/// </summary>
public sealed class TorNetworkFixture : IAsyncLifetime
{
    /// <summary>Our relay must be Running and Valid in the consensus this soon after the network starts.</summary>
    public static readonly TimeSpan ListingDeadline = TimeSpan.FromSeconds(180);

    /// <summary>Harness development only: a C tor relay stands in for ours.</summary>
    public const string StandInVariable = "TORRELAY_STANDIN_CTOR";

    private TorNetwork? _network;
    private StreamWriter? _harnessLog;

    public TorNetwork Network => _network ?? throw new InvalidOperationException("the network did not start");
    public TorNode OurRelay => Network.OurRelay!;

    /// <summary>Where the work directory (net/) and the harness's own log (harness.log) are.</summary>
    public string RunDir { get; private set; } = "";

    /// <summary>Time left until <see cref="ListingDeadline"/>; never negative.</summary>
    public TimeSpan TimeLeft(TimeSpan budget)
    {
        var left = Network.StartedAt + budget - DateTimeOffset.UtcNow;
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }

    public async Task InitializeAsync()
    {
        bool standIn = Environment.GetEnvironmentVariable(StandInVariable) == "1";
        string binary = RepoPaths.RelayBinary();
        if (!standIn && !File.Exists(binary))
            throw new InvalidOperationException(
                $"our relay's binary {binary} does not exist: run `make build` first (or set TORRELAY_BIN)");

        RunDir = Directory.CreateTempSubdirectory("torrelay-interop-").FullName;
        _harnessLog = new StreamWriter(Path.Combine(RunDir, "harness.log")) { AutoFlush = true };
        var spec = new NetworkSpec
        {
            Authorities = 3, Relays = 1, Exits = 1, Client = true, BridgeClient = true, OurBridge = true,
            OurRelayIsExit = !standIn,
            DnsNames = new Dictionary<string, IPAddress>
            {
                ["bulk.test"] = IPAddress.Loopback,
                ["resolve.test"] = IPAddress.Parse("127.0.0.9"),
            },
            OurRelayBinary = standIn ? null : binary, OurRelayCTorStandIn = standIn,
            WorkDir = Path.Combine(RunDir, "net"),
        };
        _network = await TorNetwork.StartAsync(spec, new TextWriterLogger(_harnessLog));
    }

    public async Task DisposeAsync()
    {
        if (_network is not null)
        {
            await _network.DisposeAsync();
            var survivors = _network.RunningPids();
            if (survivors.Count > 0)
                throw new InvalidOperationException(
                    $"processes started by the interop network survived StopAsync: {string.Join(", ", survivors)}");
        }
        _harnessLog?.Dispose();
    }
}
