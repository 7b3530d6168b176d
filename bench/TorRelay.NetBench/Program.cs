using System.Globalization;
using TorRelay.NetBench;
using TorRelay.TestNet;

// Side-by-side: the same download through a C tor client, once with our relay as the middle hop and once with a C tor
// relay as the middle hop, in one private loopback network. Reports CPU ms per MiB relayed, throughput and RSS.
// --exit: the same comparison with our relay vs a C tor relay as the exit (ExitBench);
// --flood: the same pinned download while a CREATE_FAST flood hits the middle (FloodBench); --scaling: forwarding
// throughput of our relay on 1 and 2 cores (ScalingBench); --saturation: that load through our relay and through a C tor
// relay, each on one CPU (SaturationBench); --create-scaling: CREATE2 handshakes our relay answers per
// second on 1 and 2 cores (CreateScalingBench); --idle-links N: what N silent client links cost each relay at idle
// (IdleLinksBench); --handshakes: ntor server handshakes per core-second, in process.
string? relayBinary = null;
int mib = 100, rounds = 2, idleLinks = 0;
string mode = "compare";
var flood = new FloodOptions();
var scaling = new ScalingOptions();
for (int i = 0; i < args.Length; i++)
{
    bool hasValue = i + 1 < args.Length;
    switch (args[i])
    {
        case "--relay-binary" when hasValue: relayBinary = Path.GetFullPath(args[++i]); break;
        case "--mib" when hasValue: mib = Int(args[++i]); break;
        case "--rounds" when hasValue: rounds = Int(args[++i]); break;
        case "--handshakes":
            HandshakeBench.Run(TimeSpan.FromSeconds(10));
            return 0;
        case "--flood": mode = "flood"; break;
        case "--flood-rate" when hasValue: flood = flood with { Rate = Int(args[++i]) }; break;
        case "--flood-links" when hasValue: flood = flood with { Links = Int(args[++i]) }; break;
        case "--flood-seconds" when hasValue: flood = flood with { Duration = TimeSpan.FromSeconds(Int(args[++i])) }; break;
        case "--flood-destroy": flood = flood with { DestroyAnswered = true }; break;
        case "--flood-dos": flood = flood with { Dos = true }; break;
        case "--scaling": mode = "scaling"; break;
        case "--saturation": mode = "saturation"; break;
        case "--create-scaling": mode = "create-scaling"; break;
        case "--exit": mode = "exit"; break;
        case "--idle-links" when hasValue: mode = "idle-links"; idleLinks = Int(args[++i]); break;
        case "--seconds" when hasValue: scaling = scaling with { Measure = TimeSpan.FromSeconds(Int(args[++i])) }; break;
        case "--circuits" when hasValue: scaling = scaling with { Circuits = Int(args[++i]) }; break;
        case "--links" when hasValue: scaling = scaling with { Links = Int(args[++i]) }; break;
        case "--sinks" when hasValue: scaling = scaling with { Sinks = Int(args[++i]) }; break;
        case "--rate" when hasValue: scaling = scaling with { Rate = Int(args[++i]) }; break;
        case "--cores" when hasValue: scaling = scaling with { Cores = args[++i].Split(',').Select(Int).ToList() }; break;
        default:
            Console.Error.WriteLine("""
                usage: TorRelay.NetBench --relay-binary PATH [--exit] [--mib N] [--rounds N]
                       TorRelay.NetBench --relay-binary PATH --flood [--mib N] [--flood-rate N] [--flood-links N] [--flood-seconds N] [--flood-destroy] [--flood-dos]
                       TorRelay.NetBench --relay-binary PATH --scaling [--seconds N] [--circuits N] [--links N] [--sinks N] [--cores 1,2]
                       TorRelay.NetBench --relay-binary PATH --saturation [--seconds N] [--circuits N] [--links N] [--sinks N] [--rate CELLS_PER_S]
                       TorRelay.NetBench --relay-binary PATH --create-scaling [--seconds N] [--links N] [--cores 1,2]
                       TorRelay.NetBench --relay-binary PATH --idle-links N [--seconds N]
                       TorRelay.NetBench --handshakes
                """);
            return 2;
    }
}
if (relayBinary is null)
{
    Console.Error.WriteLine("--relay-binary is required (run `make build` first)");
    return 2;
}
if (flood.Duration <= flood.WarmUp || flood.Rate <= 0 || flood.Links <= 0 || scaling.Circuits < scaling.Links || scaling.Links <= 0
    || scaling.Sinks <= 0 || scaling.Rate < 0 || (mode == "idle-links" && idleLinks <= 0) || scaling.Measure <= TimeSpan.Zero || scaling.Cores.Any(c => c <= 0))
{
    Console.Error.WriteLine($"bad options: --flood-seconds must exceed {flood.WarmUp.TotalSeconds:F0}, counts must be positive, --circuits at least --links");
    return 2;
}

var log = new TextWriterLogger(Console.Out);
if (mode == "flood")
{
    await FloodBench.RunAsync(relayBinary, mib, flood, log);
    return 0;
}
if (mode == "exit")
{
    await ExitBench.RunAsync(relayBinary, mib, rounds, log);
    return 0;
}
if (mode == "idle-links")
{
    await IdleLinksBench.RunAsync(relayBinary, idleLinks, scaling.Measure, log);
    return 0;
}
if (mode == "create-scaling")
{
    await CreateScalingBench.RunAsync(relayBinary, scaling, log);
    return 0;
}
if (mode == "saturation")
{
    await SaturationBench.RunAsync(relayBinary, scaling, log);
    return 0;
}
if (mode == "scaling")
{
    await ScalingBench.RunAsync(relayBinary, scaling, log);
    return 0;
}

await using var net = await MiddleBenchNetwork.StartAsync(relayBinary, log);
await using var server = new BulkHttpServer((long)mib * 1024 * 1024);
Console.WriteLine($"idle RSS: ours {ProcessSample.ReadRssBytes(net.Middles[0].Node.Pid) / 1048576.0:F1} MiB, " +
                  $"C tor {ProcessSample.ReadRssBytes(net.Middles[1].Node.Pid) / 1048576.0:F1} MiB");

var rows = new List<string>();
for (int round = 1; round <= rounds; round++)
{
    foreach (var middle in net.Middles)
    {
        await net.PinMiddleAsync(middle);
        // The C tor client sometimes refuses a stream after two minutes ("Restricted middle not available": with one
        // allowed middle it cannot build the longer path it wants for the enclave exit); retry, and count only the
        // attempt that downloads.
        ProcessSample? before = null;
        var result = await ClientStreams.RunAsync(net.Network, ct =>
        {
            before = ProcessSample.Read(middle.Node.Pid);
            return Socks5Download.GetAsync(net.Client.SocksPort, "127.0.0.1", server.Port, ct);
        }, TimeSpan.FromMinutes(9), TimeSpan.FromMinutes(5));
        var after = ProcessSample.Read(middle.Node.Pid);
        if (result.Sha256 != server.ExpectedSha256) throw new InvalidOperationException("download corrupted");
        rows.Add($"| {round} | {middle.Name} {DownloadRow.Format(result, before!, after)}");
        Console.WriteLine(rows[^1]);
    }
}
Console.WriteLine();
Console.WriteLine($"Middle relay, {mib} MiB per download through a C tor 0.4.9 client (ConfluxEnabled 0), loopback, {Environment.ProcessorCount} cores");
Console.WriteLine("| round | middle " + DownloadRow.Columns);
Console.WriteLine("|---|---" + DownloadRow.Rule);
foreach (var r in rows) Console.WriteLine(r);
return 0;

static int Int(string s) => int.Parse(s, CultureInfo.InvariantCulture);
