using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Logging;
using TorRelay.Cells.Circuits;
using TorRelay.Crypto;
using TorRelay.Crypto.Handshakes;
using TorRelay.Crypto.KeyFiles;
using TorRelay.Crypto.Relay;
using TorRelay.TestNet;

namespace TorRelay.NetBench;

/// <summary>
/// <c>--create-scaling</c>: CREATE2 (ntor) handshakes our relay answers per second under taskset on 1 core, then 2
/// (one fresh relay per run). Unlike <c>--scaling</c>, whose load generator costs about what the relay's forwarding
/// does, this load (<see cref="Create2Load"/>) costs the benchmark a few cell writes per handshake and the relay three
/// X25519 operations, so on a small machine it shows whether the relay's own work spreads over the cores it is given.
/// </summary>
public static class CreateScalingBench
{
    public static async Task RunAsync(string relayBinary, ScalingOptions options, ILogger log)
    {
        var rows = await CoreCountRuns.RunAsync(relayBinary, options.Cores,
            (wrapper, _, benchCpus) => MeasureAsync(wrapper, benchCpus, options, log));
        int cpusHere = CpuAffinity.Allowed(Environment.ProcessId).Count;

        Console.WriteLine();
        Console.WriteLine($"CREATE2 (ntor) answered by our relay: {options.Links} client links, {InFlightPerLink} in flight per link, " +
                          $"{options.Measure.TotalSeconds:F0} s measured after {options.WarmUp.TotalSeconds:F0} s; {cpusHere} CPUs here");
        Console.WriteLine("| relay cores | CREATED2/s | relay CPU (cores) | relay µs CPU/handshake | bench CPU (cores) | replies checked | bad | DESTROY instead |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        foreach (var r in rows) Console.WriteLine(r.Row);
        CoreCountRuns.PrintRatio(rows);
    }

    private const int InFlightPerLink = 32;

    private static async Task<(double PerSecond, string Row)> MeasureAsync(string wrapper, IReadOnlyList<int> benchCpus,
        ScalingOptions options, ILogger log)
    {
        await using var network = await TorNetwork.StartAsync(new NetworkSpec
        {
            Authorities = 1, Relays = 0, Exits = 0, Client = false, OurRelayBinary = wrapper,
        }, log);
        var ours = network.OurRelay!;
        byte[] fingerprint = Convert.FromHexString(await network.ResolveFingerprintAsync(ours, TimeSpan.FromSeconds(60)));
        var keyFile = Path.Combine(ours.DataDirectory, "keys", "secret_onion_key_ntor");
        if (!TorKeyFiles.TryDecodeCurve25519(File.ReadAllBytes(keyFile), TorKeyFiles.NtorOnionTag, out var onionKey, out var error))
            throw new InvalidOperationException($"cannot read {keyFile}: {error}");
        using var ntorKey = onionKey;
        CpuAffinity.Pin(Environment.ProcessId, benchCpus);

        // One onion skin for every CREATE2; its client state checks a sample of the replies.
        var skin = new byte[NtorHandshake.OnionSkinLength];
        using var state = NtorHandshake.ClientCreate(fingerprint, ntorKey!.PublicKey, SystemRandom.Instance, skin);
        var create2 = new byte[4 + skin.Length];
        new Create2Cell(HandshakeType.Ntor, skin).EncodeTo(create2);
        var checkLock = new Lock();
        bool Check(ReadOnlyMemory<byte> created2)
        {
            var keys = new byte[RelayCryptoLayer.KeyMaterialLength];
            lock (checkLock)
                return Created2Cell.TryDecode(created2.Span, out var reply, out _) && NtorHandshake.ClientFinish(state, reply.HandshakeData.Span, keys);
        }

        using var identity = new BenchRelayIdentity();
        await using var load = new Create2Load(identity, create2, Check);
        using var starting = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await load.StartAsync(new IPEndPoint(IPAddress.Loopback, ours.OrPort), fingerprint, options.Links, InFlightPerLink, starting.Token);
        await Task.Delay(options.WarmUp);

        var (relay0, bench0, created0, refused0, clock) = (ProcessSample.Read(ours.Pid), Process.GetCurrentProcess().TotalProcessorTime,
            load.Created, load.Refused, Stopwatch.StartNew());
        await Task.Delay(options.Measure);
        var (relay1, bench1, created1, refused1, seconds) = (ProcessSample.Read(ours.Pid), Process.GetCurrentProcess().TotalProcessorTime,
            load.Created, load.Refused, clock.Elapsed.TotalSeconds);

        long handshakes = created1 - created0;
        double relayCpu = (relay1.Cpu - relay0.Cpu).TotalSeconds, rate = handshakes / seconds;
        if (load.Checked == 0 || load.Bad > 0)
            throw new InvalidOperationException($"{load.Bad} of {load.Checked} checked CREATED2 replies did not complete the handshake");
        string row = $"| {CpuAffinity.ToList(CpuAffinity.Allowed(ours.Pid))} | {rate:F0} | {relayCpu / seconds:F2} | " +
                     $"{relayCpu * 1e6 / Math.Max(1, handshakes):F0} | {(bench1 - bench0).TotalSeconds / seconds:F2} | {load.Checked} | " +
                     $"{load.Bad} | {refused1 - refused0} |";
        return (rate, row);
    }
}
