using System.Globalization;
using TorRelay.NetBench;
using TorRelay.TestNet;

// Side-by-side: the same download through a C tor client, once with our relay as the middle hop and once with a C tor
// relay as the middle hop, in one private loopback network. Reports CPU ms per MiB relayed, throughput and RSS.
string? relayBinary = null;
int mib = 100, rounds = 2;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--relay-binary" when i + 1 < args.Length: relayBinary = Path.GetFullPath(args[++i]); break;
        case "--mib" when i + 1 < args.Length: mib = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--rounds" when i + 1 < args.Length: rounds = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--handshakes":
            HandshakeBench.Run(TimeSpan.FromSeconds(10));
            return 0;
        default:
            Console.Error.WriteLine("usage: TorRelay.NetBench --relay-binary PATH [--mib N] [--rounds N] | --handshakes");
            return 2;
    }
}
if (relayBinary is null)
{
    Console.Error.WriteLine("--relay-binary is required (run `make build` first)");
    return 2;
}

var log = new TextWriterLogger(Console.Out);
await using var network = await TorNetwork.StartAsync(new NetworkSpec
{
    Authorities = 3, Relays = 1, Exits = 1, Client = true, OurRelayBinary = relayBinary,
    // One path per stream, so each download crosses exactly one middle relay.
    ClientExtraLines = ["ConfluxEnabled 0"],
}, log);
var ours = network.OurRelay!;
var cMiddle = network.Relays.First(r => r.Role == NodeRole.Relay);
var client = network.Client!;
string ourFp = await network.ResolveFingerprintAsync(ours, TimeSpan.FromSeconds(90));
string cFp = await network.ResolveFingerprintAsync(cMiddle, TimeSpan.FromSeconds(90));
string exitFp = await network.ResolveFingerprintAsync(network.Exits[0], TimeSpan.FromSeconds(90));
// Same guard and exit for both runs (an authority and the exit), so only the middle hop differs.
string guardFp = await network.ResolveFingerprintAsync(network.Authorities[0], TimeSpan.FromSeconds(90));
await using var control = await network.ConnectControlAsync(client);
await Until(async () => await control.GetNetworkStatusAsync(ourFp) is not null && await control.GetNetworkStatusAsync(cFp) is not null
                        && await control.GetNetworkStatusAsync(exitFp) is not null, TimeSpan.FromSeconds(180));
await using var server = new BulkHttpServer((long)mib * 1024 * 1024);
Console.WriteLine($"idle RSS: ours {ProcessSample.Read(ours.Pid).RssBytes / 1048576.0:F1} MiB, C tor {ProcessSample.Read(cMiddle.Pid).RssBytes / 1048576.0:F1} MiB");

var rows = new List<string>();
for (int round = 1; round <= rounds; round++)
{
    foreach (var (middle, fp, name) in new[] { (ours, ourFp, "torrelay (ours)"), (cMiddle, cFp, "C tor 0.4.9") })
    {
        await control.SendAsync($"SETCONF EntryNodes=${guardFp} MiddleNodes=${fp} ExitNodes=${exitFp} StrictNodes=1");
        // Relays re-publish after their bandwidth self-test; the client may need a while to fetch the new descriptors.
        var lastNewnym = DateTimeOffset.MinValue;
        await Until(async () =>
        {
            if (DateTimeOffset.UtcNow - lastNewnym > TimeSpan.FromSeconds(15))
            {
                lastNewnym = DateTimeOffset.UtcNow;
                await control.SendAsync("SIGNAL NEWNYM");
            }
            return (await CircuitStatus(control)).Split('\n').Any(l => l.Contains(" BUILT ") &&
                l.Split(' ')[2].Split(',') is { Length: >= 3 } p && p[1].StartsWith("$" + fp));
        }, TimeSpan.FromSeconds(300));
        var before = ProcessSample.Read(middle.Pid);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var result = await Socks5Download.GetAsync(client.SocksPort, "127.0.0.1", server.Port, timeout.Token);
        var after = ProcessSample.Read(middle.Pid);
        if (result.Sha256 != server.ExpectedSha256) throw new InvalidOperationException("download corrupted");
        double mibs = result.BodyBytes / 1048576.0;
        double cpuMs = (after.Cpu - before.Cpu).TotalMilliseconds;
        rows.Add($"| {round} | {name} | {mibs:F0} | {result.Elapsed.TotalSeconds:F1} | {mibs / result.Elapsed.TotalSeconds:F1} | {cpuMs:F0} | {cpuMs / mibs:F2} | {after.RssBytes / 1048576.0:F1} |");
        Console.WriteLine(rows[^1]);
    }
}
Console.WriteLine();
Console.WriteLine($"Middle relay, {mib} MiB per download through a C tor 0.4.9 client (ConfluxEnabled 0), loopback, {Environment.ProcessorCount} cores");
Console.WriteLine("| round | middle | MiB | seconds | MiB/s | middle CPU ms | CPU ms/MiB | middle RSS MiB |");
Console.WriteLine("|---|---|---|---|---|---|---|---|");
foreach (var r in rows) Console.WriteLine(r);
return 0;

static async Task<string> CircuitStatus(ControlPortClient control)
{
    try
    {
        return await control.GetInfoAsync("circuit-status");
    }
    catch (IOException)
    {
        return "";
    }
}

static async Task Until(Func<Task<bool>> condition, TimeSpan timeout)
{
    var deadline = DateTimeOffset.UtcNow + timeout;
    while (!await condition())
    {
        if (DateTimeOffset.UtcNow > deadline) throw new TimeoutException("the network did not get ready in time");
        await Task.Delay(1000);
    }
}
