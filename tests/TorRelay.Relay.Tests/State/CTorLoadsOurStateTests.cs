using System.Diagnostics;
using TorRelay.Relay.Bandwidth;
using TorRelay.Relay.State;

namespace TorRelay.Relay.Tests.State;

/// <summary>
/// C tor 0.4.9 (Debian's `tor`) started as a relay with DisableNetwork 1 (no listener, no connection) on a
/// DataDirectory holding a state file we wrote: it must load it without complaint and, at shutdown, write back the
/// same bandwidth history after replaying it.
/// </summary>
public sealed class CTorLoadsOurStateTests : IDisposable
{
    private readonly string _dir = System.IO.Directory.CreateTempSubdirectory("torrelay-ctor-state-").FullName;

    public void Dispose() => System.IO.Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task CTorLoadsOurStateFileAndKeepsItsHistory()
    {
        string data = Path.Combine(_dir, "data"), log = Path.Combine(_dir, "tor.log"), torrc = Path.Combine(_dir, "torrc");
        var now = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        var t0 = now - TimeSpan.FromDays(1) - TimeSpan.FromHours(1);
        var history = new ExtraInfoBandwidthHistory(t0);
        // Whole KiB per second over the day, so C tor's replay (whole bytes per second) gives back the same totals.
        history.NoteBytesRead(86_400UL * 1024, t0.AddSeconds(10));
        history.NoteBytesWritten(86_400UL * 2048, t0.AddSeconds(10));
        history.NoteDirBytesWritten(86_400UL * 1024, t0.AddSeconds(10));
        history.NoteBytesRead(1, now.AddMinutes(-30));
        history.NoteBytesWritten(1, now.AddMinutes(-30));
        history.NoteDirBytesWritten(1, now.AddMinutes(-30));
        System.IO.Directory.CreateDirectory(data, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.WriteAllText(Path.Combine(data, "state"), "SomethingNewer 42\n");
        var store = new RelayStateStore(data, history, new CapturingLogger());
        store.Load(now);
        Assert.True(store.Save(now));
        string ours = File.ReadAllText(Path.Combine(data, "state"));
        Assert.Contains("\nBWHistoryReadValues 88473600,0\n", ours);

        File.WriteAllText(Path.Combine(_dir, "geoip"), "");
        File.WriteAllText(torrc, $"""
            Nickname statefile
            DataDirectory {data}
            ORPort 127.0.0.1:9
            Address 127.0.0.1
            SocksPort 0
            DisableNetwork 1
            TestingTorNetwork 1
            AssumeReachable 1
            GeoIPFile {_dir}/geoip
            GeoIPv6File {_dir}/geoip
            DirAuthority a1 orport=9 no-v2 v3ident=1111111111111111111111111111111111111111 127.0.0.1:9 1111111111111111111111111111111111111111
            DirAuthority a2 orport=9 no-v2 v3ident=2222222222222222222222222222222222222222 127.0.0.1:9 2222222222222222222222222222222222222222
            Log info file {log}
            """);
        using var tor = Process.Start(new ProcessStartInfo("tor", ["-f", torrc]) { RedirectStandardOutput = true, UseShellExecute = false })!;
        try
        {
            Assert.True(await WaitForLogAsync(log, "Bootstrapped 0%"), "tor did not start:\n" + ReadLog(log));
            using (var kill = Process.Start("kill", ["-TERM", tor.Id.ToString()])) await kill.WaitForExitAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await tor.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!tor.HasExited) tor.Kill();
        }

        string text = ReadLog(log);
        Assert.Contains("Loaded state from", text);
        Assert.DoesNotContain(text.Split('\n'), l => l.Contains("[warn]") && l.Contains("state", StringComparison.OrdinalIgnoreCase));
        Assert.False(File.Exists(Path.Combine(data, "state.0")), "tor moved our state file aside");
        string theirs = File.ReadAllText(Path.Combine(data, "state"));
        Assert.Contains("\nTorVersion Tor 0.4.9", theirs);
        Assert.Contains("\nSomethingNewer 42\n", theirs);
        Assert.Equal(HistoryLines(ours), HistoryLines(theirs));
    }

    private static string[] HistoryLines(string state) =>
        state.Split('\n').Where(l => l.StartsWith("BWHistory", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToArray();

    private static string ReadLog(string log) => File.Exists(log) ? File.ReadAllText(log) : "";

    private static async Task<bool> WaitForLogAsync(string log, string needle)
    {
        for (int i = 0; i < 300; i++)
        {
            if (ReadLog(log).Contains(needle)) return true;
            await Task.Delay(100);
        }
        return false;
    }
}
