using System.Buffers;
using System.Net;
using Microsoft.Extensions.Logging;
using TorRelay.Cells;
using TorRelay.Core.Channels;
using TorRelay.TestNet;

namespace TorRelay.NetBench;

/// <summary>
/// <c>--idle-links N</c>: what open but idle client channels cost a relay, ours and then a C tor relay of one network.
/// Each relay is first measured with no links, then with N links opened the way clients open them
/// (<see cref="ClientLinks"/>) and left silent: CPU and wake-ups per second and RSS. A guard holds thousands of such
/// channels; both relays look at each one's padding once a second, and a link protocol 5 channel to a client is
/// padded only once it has carried a circuit (nf_pad_before_usage), so these cost only that look and their memory.
/// Then the links close, and 75 s later the table shows what RSS the relay kept.
/// </summary>
public static class IdleLinksBench
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan AfterClose = TimeSpan.FromSeconds(75);
    private const int OpenBatch = 100;

    public static async Task RunAsync(string relayBinary, int links, TimeSpan measure, ILogger log)
    {
        await using var network = await TorNetwork.StartAsync(new NetworkSpec
        {
            Authorities = 1, Relays = 1, Exits = 0, Client = false, OurRelayBinary = relayBinary,
        }, log);
        var rows = new List<string>();
        foreach (var (node, name) in new[] { (network.OurRelay!, "torrelay (ours)"), (network.Relays.First(n => n.IsCTor), "C tor 0.4.9") })
        {
            string fp = await network.ResolveFingerprintAsync(node, TimeSpan.FromSeconds(60));
            await Task.Delay(Settle);
            var alone = await SampleAsync(node.Pid, measure);

            using var identity = new BenchRelayIdentity();
            var clients = new ClientLinks(identity.Tls, new SilentClient());
            Rates loaded;
            try
            {
                using var opening = new CancellationTokenSource(TimeSpan.FromMinutes(5));
                // In batches, as clients arrive over time rather than all in one instant (a listen queue holds only so many).
                for (int opened = 0; opened < links; opened += OpenBatch)
                    await clients.OpenAsync(new IPEndPoint(IPAddress.Loopback, node.OrPort), Convert.FromHexString(fp),
                        Math.Min(OpenBatch, links - opened), opening.Token);
                await Task.Delay(Settle);
                loaded = await SampleAsync(node.Pid, measure);
            }
            finally
            {
                await clients.DisposeAsync();
            }
            // What the relay gives back once the links are gone, after its once-a-minute housekeeping has run.
            await Task.Delay(AfterClose);
            double closedRss = ProcessSample.ReadRssBytes(node.Pid) / 1048576.0;

            rows.Add($"| {name} | {links} | {alone.CpuMsPerSecond:F2} | {loaded.CpuMsPerSecond:F2} | {alone.WakeupsPerSecond:F1} | " +
                     $"{loaded.WakeupsPerSecond:F1} | {alone.RssMiB:F1} | {loaded.RssMiB:F1} | " +
                     $"{(loaded.RssMiB - alone.RssMiB) * 1024 / links:F1} | {closedRss:F1} |");
            Console.WriteLine(rows[^1]);
        }
        Console.WriteLine();
        Console.WriteLine($"Idle relay, without links and then holding {links} silent client links (link protocol 5, no circuits), " +
                          $"{measure.TotalSeconds:F0} s measured after {Settle.TotalSeconds:F0} s each");
        Console.WriteLine("| relay | links | CPU ms/s alone | CPU ms/s with links | wake-ups/s alone | wake-ups/s with links " +
                          "| RSS MiB alone | RSS MiB with links | KiB per link | RSS MiB 75 s after they closed |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var row in rows) Console.WriteLine(row);
    }

    private readonly record struct Rates(double CpuMsPerSecond, double WakeupsPerSecond, double RssMiB);

    private static async Task<Rates> SampleAsync(int pid, TimeSpan measure)
    {
        var before = ProcessSample.Read(pid);
        await Task.Delay(measure);
        var after = ProcessSample.Read(pid);
        double seconds = measure.TotalSeconds;
        return new Rates((after.Cpu - before.Cpu).TotalMilliseconds / seconds, after.SleepsSince(before) / seconds,
            after.RssBytes / 1048576.0);
    }

    /// <summary>The clients build no circuits, so nothing should arrive but padding; it is dropped.</summary>
    private sealed class SilentClient : IChannelCellHandler
    {
        public ValueTask<string?> HandleCellAsync(Channel channel, CellHeader header, ReadOnlySequence<byte> payload, CancellationToken ct) =>
            ValueTask.FromResult<string?>(null);

        public ValueTask OnChannelClosedAsync(Channel channel) => ValueTask.CompletedTask;
    }
}
