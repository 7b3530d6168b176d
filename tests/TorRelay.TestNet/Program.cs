using System.Runtime.InteropServices;
using TorRelay.TestNet;

// `make run`: a private Tor network on 127.0.0.1 with our relay inside; Ctrl-C stops everything it started.
string? relayBinary = null, workDir = null;
bool standIn = false, ipv6ExitCheck = false;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--relay-binary" when i + 1 < args.Length: relayBinary = Path.GetFullPath(args[++i]); break;
        case "--work-dir" when i + 1 < args.Length: workDir = args[++i]; break;
        case "--standin-ctor": standIn = true; break;
        case "--ipv6-exit-check": ipv6ExitCheck = true; break;
        default:
            Console.Error.WriteLine("usage: TorRelay.TestNet [--relay-binary PATH] [--work-dir DIR] [--standin-ctor | --ipv6-exit-check]");
            Console.Error.WriteLine("  without --relay-binary the network runs C tor only; --standin-ctor puts a C tor relay in our relay's slot");
            Console.Error.WriteLine("  --ipv6-exit-check: inside `unshare --net`, downloads over IPv6 through our exit and prints what it saw");
            return 2;
    }
}

using var stop = new CancellationTokenSource();
void OnSignal(PosixSignalContext context)
{
    context.Cancel = true; // shut down in order instead of dying with children still running
    stop.Cancel();
}
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);

if (ipv6ExitCheck)
{
    if (relayBinary is null)
    {
        Console.Error.WriteLine("--ipv6-exit-check needs --relay-binary");
        return 2;
    }
    try
    {
        return await IPv6ExitCheck.RunAsync(relayBinary, workDir, new TextWriterLogger(Console.Error), Console.Out, stop.Token);
    }
    catch (Exception e)
    {
        Console.Error.WriteLine($"IPv6 exit check failed: {e}");
        return 1;
    }
}

var log = new TextWriterLogger(Console.Out);
var spec = new NetworkSpec
{
    Authorities = 3, Relays = 1, Exits = 1, Client = true,
    OurRelayBinary = relayBinary, OurRelayCTorStandIn = standIn, WorkDir = workDir,
};

TorNetwork network;
try
{
    network = await TorNetwork.StartAsync(spec, log, stop.Token);
}
catch (OperationCanceledException)
{
    return 130;
}
catch (Exception e)
{
    Console.Error.WriteLine($"network failed to start: {e.Message}");
    return 1;
}

int exitCode = 0;
await using (network)
{
    Console.WriteLine();
    Console.WriteLine(NodeTable.Format(network));
    Console.WriteLine($"work dir: {network.WorkDir}");
    if (network.OurRelay is { MetricsPort: > 0 } ours)
    {
        Console.WriteLine($"our relay's metrics: http://127.0.0.1:{ours.MetricsPort}/metrics");
        Console.WriteLine("  Prometheus: add to prometheus.yml under scrape_configs:");
        Console.WriteLine($"    - job_name: torrelay\n      static_configs: [{{ targets: ['127.0.0.1:{ours.MetricsPort}'] }}]");
        Console.WriteLine("  Grafana: grafana/provisioning/ holds the data source and dashboard provisioning (see grafana/README.md)");
    }
    if (network.Client is { } client)
        Console.WriteLine($"SOCKS port of the C tor client: 127.0.0.1:{client.SocksPort} (e.g. curl --socks5-hostname 127.0.0.1:{client.SocksPort} ...)");
    Console.WriteLine("Ctrl-C stops the network.");
    Console.WriteLine();
    var traffic = network.OurRelay is not null && network.Client is not null
        ? DemoTraffic.RunAsync(network, log, stop.Token)
        : Task.CompletedTask;
    try
    {
        exitCode = await NetworkMonitor.RunAsync(network, log, stop.Token);
    }
    catch (OperationCanceledException)
    {
    }
    Console.WriteLine("stopping ...");
    try
    {
        await traffic;
    }
    catch (OperationCanceledException)
    {
    }
}
var survivors = network.RunningPids();
if (survivors.Count > 0)
{
    Console.Error.WriteLine($"processes still running: {string.Join(", ", survivors)}");
    return 1;
}
Console.WriteLine("all processes stopped.");
return exitCode;
