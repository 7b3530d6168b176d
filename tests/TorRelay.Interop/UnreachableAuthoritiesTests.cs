using System.Diagnostics;
using System.Net.Sockets;
using TorRelay.TestNet;

namespace TorRelay.Interop;

/// <summary>
/// A relay whose directory authorities cannot be reached (here: DirAuthority lines pointing at closed 127.0.0.1 ports,
/// never the public network) keeps serving its ORPort and MetricsPort and says so clearly, with backoff.
/// </summary>
public sealed class UnreachableAuthoritiesTests
{
    [Fact]
    public async Task RelayKeepsServingAndBacksOffWhenAuthoritiesAreUnreachable()
    {
        string dir = Directory.CreateTempSubdirectory("torrelay-unreachable-").FullName;
        int orPort = PortAllocator.FreePort(), metricsPort = PortAllocator.FreePort(), closed = PortAllocator.FreePort();
        string log = Path.Combine(dir, "notice.log");
        string torrc = Path.Combine(dir, "torrc");
        await File.WriteAllTextAsync(torrc, $"""
            Nickname unreachabletest
            DataDirectory {dir}/data
            ORPort 127.0.0.1:{orPort}
            Address 127.0.0.1
            SocksPort 0
            TestingTorNetwork 1
            DirAuthority a1 orport={closed} no-v2 v3ident=1111111111111111111111111111111111111111 127.0.0.1:{closed} 1111111111111111111111111111111111111111
            DirAuthority a2 orport={closed} no-v2 v3ident=2222222222222222222222222222222222222222 127.0.0.1:{closed} 2222222222222222222222222222222222222222
            MetricsPort 127.0.0.1:{metricsPort}
            MetricsPortPolicy accept 127.0.0.1
            Log notice file {log}
            """);
        using var relay = Process.Start(new ProcessStartInfo(RepoPaths.RelayBinary(), ["-f", torrc])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        })!;
        relay.BeginOutputReadLine();
        relay.BeginErrorReadLine();
        try
        {
            // Two failed rounds with growing waits: 5 s, then 10 s (plus jitter).
            var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(40);
            string[] lines = [];
            while (DateTimeOffset.UtcNow < deadline)
            {
                lines = File.Exists(log) ? File.ReadAllLines(log) : [];
                if (lines.Count(l => l.Contains("No usable consensus from any directory authority; retrying in")) >= 2) break;
                await Task.Delay(500);
            }
            var retries = lines.Where(l => l.Contains("No usable consensus from any directory authority; retrying in")).ToList();
            Assert.True(retries.Count >= 2, "no repeated 'retrying' warnings:\n" + string.Join('\n', lines));
            Assert.Contains("[warn]", retries[0]);
            Assert.Contains("retrying in 5 s", retries[0]);
            Assert.Contains("retrying in 10 s", retries[1]);
            Assert.Contains(lines, l => l.Contains("did not take our descriptor") || l.Contains("directory authorities took our descriptor")
                                        || l.Contains("Could not fetch the consensus"));
            Assert.False(relay.HasExited, "the relay exited");

            using (var tcp = new TcpClient())
                await tcp.ConnectAsync("127.0.0.1", orPort); // the ORPort still accepts
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            Assert.Contains("tor_relay_connections", await http.GetStringAsync($"http://127.0.0.1:{metricsPort}/metrics"));
        }
        finally
        {
            if (!relay.HasExited) relay.Kill(entireProcessTree: true);
            relay.WaitForExit(10_000);
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task SighupReloadsTheConfigurationAndNamesWhatNeedsARestart()
    {
        string dir = Directory.CreateTempSubdirectory("torrelay-sighup-").FullName;
        int orPort = PortAllocator.FreePort(), closed = PortAllocator.FreePort();
        string log = Path.Combine(dir, "notice.log"), torrc = Path.Combine(dir, "torrc");
        string Torrc(int port, string contact) => $"""
            Nickname sighuptest
            ContactInfo {contact}
            DataDirectory {dir}/data
            ORPort 127.0.0.1:{port}
            Address 127.0.0.1
            SocksPort 0
            TestingTorNetwork 1
            DirAuthority a1 orport={closed} no-v2 v3ident=1111111111111111111111111111111111111111 127.0.0.1:{closed} 1111111111111111111111111111111111111111
            Log notice file {log}
            """;
        await File.WriteAllTextAsync(torrc, Torrc(orPort, "first@example.invalid"));
        using var relay = Process.Start(new ProcessStartInfo(RepoPaths.RelayBinary(), ["-f", torrc])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        })!;
        relay.BeginOutputReadLine();
        relay.BeginErrorReadLine();
        try
        {
            await WaitForLogAsync(log, "Opened OR listener");
            await File.WriteAllTextAsync(torrc, Torrc(orPort, "second@example.invalid"));
            Assert.True(Posix.SendSignal(relay.Id, Posix.SIGHUP));
            await WaitForLogAsync(log, "Reloaded the configuration; options that take effect only after a restart: none");

            await File.WriteAllTextAsync(torrc, Torrc(PortAllocator.FreePort(), "second@example.invalid"));
            Assert.True(Posix.SendSignal(relay.Id, Posix.SIGHUP));
            await WaitForLogAsync(log, "take effect only after a restart: ORPort/Address");
            Assert.False(relay.HasExited);
        }
        finally
        {
            if (!relay.HasExited) relay.Kill(entireProcessTree: true);
            relay.WaitForExit(10_000);
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task WaitForLogAsync(string log, string text)
    {
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(30);
        while (!(File.Exists(log) && File.ReadAllText(log).Contains(text, StringComparison.Ordinal)))
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, $"'{text}' never appeared in the log:\n" + (File.Exists(log) ? File.ReadAllText(log) : ""));
            await Task.Delay(200);
        }
    }
}
