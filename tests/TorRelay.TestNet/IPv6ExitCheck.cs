using System.Net;
using Microsoft.Extensions.Logging;

namespace TorRelay.TestNet;

/// <summary>
/// `TorRelay.TestNet --ipv6-exit-check`, run inside a private network namespace (unshare --net) by the IPv6 exit
/// interop test: a network whose only exit for the C tor client is our relay, accepting every IPv6 address (there is
/// only ::1 here). The client downloads from a server on [::1] by a name that has only an AAAA record: its BEGIN names
/// the host with IPv6 allowed (it says so only to an exit whose ipv6-policy takes the port), our exit finds no A
/// record and an AAAA, checks [::1] against its policy and connects over IPv6. What it saw is printed as
/// "fact NAME VALUE" lines for the test to judge; the exit code is 0 once the download ran.
///
/// The controller maps the name to "NAME.$OURS.exit" (MAPADDRESS): without a chosen exit, a C tor client first asks
/// whether any exit's IPv4 policy takes the port (circuituse.c, whatever the address) and every exit here accepts
/// only 127.0.0.1. An IPv6 literal cannot be mapped that way (MAPADDRESS refuses "[::1].$FP.exit"), so a C tor client
/// here never sends one; BEGIN with literals is covered in-process (tests/TorRelay.Relay.Tests/Exit).
/// </summary>
public static class IPv6ExitCheck
{
    public const string IPv6OnlyName = "v6only.test";
    public const long DownloadBytes = 5L * 1024 * 1024;

    public static async Task<int> RunAsync(string relayBinary, string? workDir, ILogger log, TextWriter facts, CancellationToken ct)
    {
        if (!PrivateNetworkNamespace.IsCurrent())
        {
            await facts.WriteLineAsync("refused: not inside a private network namespace (run under unshare --net)").ConfigureAwait(false);
            return 2;
        }
        var spec = new NetworkSpec
        {
            Authorities = 3, Relays = 1, Exits = 1, Client = true,
            OurRelayBinary = relayBinary, OurRelayIsExit = true, OurExitAcceptsIPv6 = true, WorkDir = workDir,
            DnsNames = new Dictionary<string, IPAddress> { [IPv6OnlyName] = IPAddress.IPv6Loopback },
        };
        await using var network = await TorNetwork.StartAsync(spec, log, ct).ConfigureAwait(false);
        await using var server = new BulkHttpServer(DownloadBytes, IPAddress.IPv6Loopback);
        var ours = network.OurRelay!;
        var client = network.Client!;
        string fp = await network.ResolveFingerprintAsync(ours, TimeSpan.FromSeconds(60), ct).ConfigureAwait(false);
        await facts.WriteLineAsync($"fact fingerprint {fp}").ConfigureAwait(false);
        await network.WaitForRelayAsync(ours.Nickname, ["Running", "Valid"], TimeSpan.FromSeconds(180), ct).ConfigureAwait(false);
        await network.WaitForClientBootstrapAsync(TimeSpan.FromSeconds(180), ct).ConfigureAwait(false);
        await using var control = await network.ConnectControlAsync(client, ct).ConfigureAwait(false);
        // The client sends IPv6 streams only to an exit whose ipv6-policy summary accepts the port.
        string descriptor = await WaitForDescriptorAsync(control, fp, "ipv6-policy accept", ct).ConfigureAwait(false);
        await facts.WriteLineAsync($"fact descriptor.ipv6-policy {descriptor}").ConfigureAwait(false);
        string guard = await network.ResolveFingerprintAsync(network.Authorities[0], TimeSpan.FromSeconds(30), ct).ConfigureAwait(false);
        var set = await control.SendAsync($"SETCONF ExitNodes=${fp} EntryNodes=${guard} StrictNodes=1", ct).ConfigureAwait(false);
        if (!set.IsOk) throw new InvalidOperationException("SETCONF failed: " + set);

        await using var events = await network.ConnectControlAsync(client, ct).ConfigureAwait(false);
        await events.SetEventsAsync("STREAM").ConfigureAwait(false);
        var map = await control.SendAsync($"MAPADDRESS {IPv6OnlyName}={IPv6OnlyName}.{fp}.exit", ct).ConfigureAwait(false);
        if (!map.IsOk) throw new InvalidOperationException($"MAPADDRESS {IPv6OnlyName} failed: {map}");
        var downloading = ClientStreams.RunAsync(network, c => Socks5Download.GetAsync(client.SocksPort, IPv6OnlyName, server.Port, c),
            TimeSpan.FromSeconds(180), TimeSpan.FromSeconds(90), ct);
        var seen = new List<string>();
        var (path, remap) = await StreamCircuitPathAsync(events, control, IPv6OnlyName, server.Port, seen, TimeSpan.FromSeconds(180), ct)
            .ConfigureAwait(false);
        var download = await downloading.ConfigureAwait(false);
        if (path is null) await facts.WriteLineAsync($"fact name.stream-events {string.Join(" | ", seen)}").ConfigureAwait(false);
        await facts.WriteLineAsync($"fact name.connected-as {remap ?? "none"}").ConfigureAwait(false);
        await facts.WriteLineAsync($"fact name.bytes {download.BodyBytes}").ConfigureAwait(false);
        await facts.WriteLineAsync($"fact name.sha256-matches {download.Sha256 == server.ExpectedSha256}").ConfigureAwait(false);
        await facts.WriteLineAsync($"fact name.exit {path?.Split(',')[^1] ?? "unknown"}").ConfigureAwait(false);
        await facts.WriteLineAsync($"fact server.peers {string.Join(',', server.Peers.Distinct())}").ConfigureAwait(false);
        return 0;
    }

    /// <summary>Waits until the client holds our descriptor with a line starting <paramref name="prefix"/>; returns that line.</summary>
    private static async Task<string> WaitForDescriptorAsync(ControlPortClient control, string fp, string prefix, CancellationToken ct)
    {
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(120);
        while (true)
        {
            string descriptor;
            try
            {
                descriptor = await control.GetInfoAsync("desc/id/" + fp, ct).ConfigureAwait(false);
            }
            catch (IOException)
            {
                descriptor = ""; // not fetched yet
            }
            if (descriptor.Split('\n').FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal)) is { } line)
                return line.Trim();
            if (DateTimeOffset.UtcNow > deadline)
                throw new TimeoutException($"the client never held our descriptor with \"{prefix}\"");
            await Task.Delay(TimeSpan.FromSeconds(1), ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Follows the stream the client opened for TARGET:port (STREAM NEW) to "STREAM id SUCCEEDED", noting where our
    /// exit's CONNECTED cell remapped it ("REMAP ... SOURCE=EXIT"), and returns that circuit's path from circuit-status
    /// (read while the stream still runs), or null if no such stream succeeded in time.
    /// </summary>
    private static async Task<(string? Path, string? Remap)> StreamCircuitPathAsync(ControlPortClient events, ControlPortClient control,
        string target, int port, List<string> seen, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        string? id = null, remap = null;
        while (DateTimeOffset.UtcNow < deadline && await events.ReadEventAsync(deadline - DateTimeOffset.UtcNow, ct).ConfigureAwait(false) is { } e)
        {
            seen.Add(e.Text);
            var f = e.Text.Split(' ');
            if (f.Length < 5 || f[0] != "STREAM") continue;
            if (f[2] == "NEW" && f[4] == $"{target}:{port}") id = f[1];
            if (f[1] != id) continue;
            if (f[2] == "REMAP" && f.Contains("SOURCE=EXIT")) remap = f[4];
            if (f[2] != "SUCCEEDED") continue;
            return (await control.GetBuiltCircuitPathAsync(f[3], ct).ConfigureAwait(false), remap);
        }
        return (null, remap);
    }
}
