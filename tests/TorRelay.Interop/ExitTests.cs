using System.Net;
using TorRelay.TestNet;
using Xunit.Abstractions;

namespace TorRelay.Interop;

/// <summary>
/// A C tor client uses our relay as its exit. Our exit's policy is "accept 127.0.0.1:*, reject *:*" and it resolves
/// names through the network's loopback DNS server. What a C tor client can show here, honestly:
/// - it judges exits by the policy in our server descriptor (client0 uses full descriptors: microdescriptors summarise
///   a 127.0.0.1-only policy as reject-all, ../shared/TESTNET.md), and it never sends a BEGIN for a hostname to an
///   exit that accepts only some addresses (C tor: "probably rejected"), so streams go to the literal 127.0.0.1;
/// - RESOLVE goes to our exit whatever its policy, so names are resolved by our DNS code;
/// - a refusal needs the client's copy of our policy to differ from ours: the operator tightens the policy and
///   reloads (with PublishServerDescriptor 0, so the client keeps the old copy for the length of the test).
/// The hostname-to-private-address refusal, which no C tor client can ask of a loopback exit, is covered in-process
/// (tests/TorRelay.Relay.Tests/Exit).
/// </summary>
[Collection("TorNetwork")]
public sealed class ExitTests(TorNetworkFixture fixture, ITestOutputHelper output)
{
    private const long FiftyMiB = 50L * 1024 * 1024;
    private const long TenMiB = 10L * 1024 * 1024;

    [Fact]
    public async Task ClientUsesOurRelayAsExitWithinItsPolicy()
    {
        var network = fixture.Network;
        var ours = fixture.OurRelay;
        var client = network.Client!;
        string fp = await network.ResolveFingerprintAsync(ours, TimeSpan.FromSeconds(60));
        await network.WaitForRelayAsync(ours.Nickname, ["Running", "Valid"], TimeSpan.FromSeconds(150));
        await network.WaitForClientBootstrapAsync(TimeSpan.FromSeconds(120));
        await using var control = await network.ConnectControlAsync(client);
        await Until(async () => await control.GetNetworkStatusAsync(fp) is not null
                                && (await DescriptorAsync(control, fp)).Contains("accept 127.0.0.1:*", StringComparison.Ordinal),
            TimeSpan.FromSeconds(120), "the client never fetched our exit descriptor\n" + network.LogTail(client));
        // The guard is pinned to an authority so that our relay is free to be the exit.
        string guard = await network.ResolveFingerprintAsync(network.Authorities[0], TimeSpan.FromSeconds(30));
        // Every relay lives at 127.0.0.1, and C tor sends a stream to a relay's own address to the first relay there
        // whose policy accepts it ("exit enclave", ignoring ExitNodes but not ExcludeExitNodes): exclude the C tor exit.
        string cExit = await network.ResolveFingerprintAsync(network.Exits[0], TimeSpan.FromSeconds(30));
        Assert.True((await control.SendAsync($"SETCONF ExitNodes=${fp} ExcludeExitNodes=${cExit} EntryNodes=${guard} StrictNodes=1")).IsOk);
        try
        {
            await DownloadAndUploadAsync(network, client, control, fp);
            await ResolveAnswersFromOurDnsAsync(network, client);
            await TightenedPolicyEndsStreamWithExitPolicyAsync(network, ours, client);
        }
        finally
        {
            await control.SendAsync("SETCONF ExitNodes= ExcludeExitNodes= EntryNodes= StrictNodes=0");
        }
    }

    /// <summary>50 MiB down and 10 MiB up through a circuit that ends at our relay.</summary>
    private async Task DownloadAndUploadAsync(TorNetwork network, TorNode client, ControlPortClient control, string fp)
    {
        await using var server = new BulkHttpServer(FiftyMiB);
        await using var events = await network.ConnectControlAsync(client);
        await events.SetEventsAsync("STREAM");
        var downloading = ClientStreams.RunAsync(network, ct => Socks5Download.GetAsync(client.SocksPort, "127.0.0.1", server.Port, ct),
            TimeSpan.FromSeconds(300), TimeSpan.FromSeconds(150));
        // While the stream runs, the client's own view: the circuit it attached the stream to ends at our relay.
        string? path = await StreamCircuitPathAsync(events, control, server.Port, TimeSpan.FromSeconds(300));
        var download = await downloading;
        output.WriteLine($"exit download: {download.BodyBytes} bytes in {download.Elapsed.TotalSeconds:F1} s over {path}");
        Assert.Equal(FiftyMiB, download.BodyBytes);
        Assert.Equal(server.ExpectedSha256, download.Sha256);
        Assert.NotNull(path);
        Assert.StartsWith("$" + fp, path.Split(',')[^1], StringComparison.Ordinal);
        // We advertise FlowCtrl=2, so the client asks for congestion control in its ntor-v3 handshake, and we grant it.
        Assert.Contains("Congestion control negotiated on circuit from", LogFiles.ReadAll(network.OurRelay!.InfoLogPath), StringComparison.Ordinal);

        var (received, sentSha) = await ClientStreams.RunAsync(network,
            ct => Socks5Download.PostAsync(client.SocksPort, "127.0.0.1", server.Port, TenMiB, ct),
            TimeSpan.FromSeconds(240), TimeSpan.FromSeconds(120));
        output.WriteLine($"exit upload: {received.BodyBytes} bytes in {received.Elapsed.TotalSeconds:F1} s");
        Assert.Equal(TenMiB, received.BodyBytes);
        Assert.Equal(sentSha, received.Sha256);
    }

    /// <summary>
    /// Waits for "STREAM id SUCCEEDED circ 127.0.0.1[.$FP.exit]:port" and returns that circuit's path from circuit-status
    /// (read while the stream still runs), or null if no such stream succeeded in time.
    /// </summary>
    private static async Task<string?> StreamCircuitPathAsync(ControlPortClient events, ControlPortClient control, int port, TimeSpan timeout)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (DateTimeOffset.UtcNow < deadline && await events.ReadEventAsync(deadline - DateTimeOffset.UtcNow) is { } e)
        {
            var f = e.Text.Split(' ');
            // The client may name the target "127.0.0.1.$FP.exit:PORT" once it redirects to an enclave exit.
            if (f.Length < 5 || f[0] != "STREAM" || f[2] != "SUCCEEDED" || !f[4].StartsWith("127.0.0.1", StringComparison.Ordinal)
                || !f[4].EndsWith($":{port}", StringComparison.Ordinal)) continue;
            return await control.GetBuiltCircuitPathAsync(f[3]);
        }
        return null;
    }

    /// <summary>tor's SOCKS RESOLVE: the client sends RESOLVE to our exit, which asks the network's DNS server.</summary>
    private static async Task ResolveAnswersFromOurDnsAsync(TorNetwork network, TorNode client)
    {
        int before = network.Dns!.Queries;
        var address = await ClientStreams.RunAsync(network, ct => Socks5.ResolveAsync(client.SocksPort, "resolve.test", ct),
            TimeSpan.FromSeconds(120), TimeSpan.FromSeconds(60));
        Assert.Equal(IPAddress.Parse("127.0.0.9"), address);
        Assert.True(network.Dns.Queries > before, "our exit answered without asking the network's DNS server");
    }

    /// <summary>
    /// The operator rejects one port and reloads. The client still holds our old descriptor, sends the BEGIN, and
    /// our exit answers END(EXITPOLICY), which the client reports on its control port (REMOTE_REASON=EXITPOLICY);
    /// the destination, listening on that port, sees no connection. (The SOCKS application hears of it only at the
    /// client's SocksTimeout: with StrictNodes the client keeps looking for another exit.)
    /// </summary>
    private static async Task TightenedPolicyEndsStreamWithExitPolicyAsync(TorNetwork network, TorNode ours, TorNode client)
    {
        string original = await File.ReadAllTextAsync(ours.TorrcPath);
        await using var server = new BulkHttpServer(1024);
        await using var events = await network.ConnectControlAsync(client);
        await events.SetEventsAsync("STREAM");
        try
        {
            await File.WriteAllTextAsync(ours.TorrcPath, original.Replace("ExitPolicy accept 127.0.0.1:*",
                $"ExitPolicy reject 127.0.0.1:{server.Port}\nExitPolicy accept 127.0.0.1:*") + "PublishServerDescriptor 0\n");
            await ReloadAsync(ours);
            await network.WaitForClientExitPathsAsync(TimeSpan.FromSeconds(120));
            // The client retries other exits until its SocksTimeout; the proof is what it reports on its control port.
            using var attempt = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            var connect = Socks5.ConnectAsync(client.SocksPort, "127.0.0.1", server.Port, attempt.Token);
            var seen = new List<string>();
            bool refused = false;
            while (!refused && await events.ReadEventAsync(TimeSpan.FromSeconds(60)) is { } e)
            {
                seen.Add(e.Text);
                refused = e.Text.Contains("REMOTE_REASON=EXITPOLICY", StringComparison.Ordinal);
            }
            attempt.Cancel();
            await Assert.ThrowsAnyAsync<Exception>(() => connect);
            Assert.True(refused, "the client reported no stream that our exit ended with EXITPOLICY:\n" + string.Join('\n', seen));
            Assert.Equal(0, server.Requests);
        }
        finally
        {
            await File.WriteAllTextAsync(ours.TorrcPath, original);
            await ReloadAsync(ours);
        }
    }

    /// <summary>GETINFO desc/id/FP: our server descriptor as the client holds it; empty until it has one.</summary>
    private static async Task<string> DescriptorAsync(ControlPortClient control, string fp)
    {
        try
        {
            return await control.GetInfoAsync("desc/id/" + fp);
        }
        catch (IOException)
        {
            return "";
        }
    }

    private static async Task ReloadAsync(TorNode ours)
    {
        long before = new FileInfo(ours.NoticeLogPath).Length;
        Assert.True(Posix.SendSignal(ours.Pid, Posix.SIGHUP));
        await Until(() => Task.FromResult(LogFiles.ReadFrom(ours.NoticeLogPath, before).Contains("Reloaded the configuration", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(30), "our relay did not log that it reloaded its configuration");
    }

    private static async Task Until(Func<Task<bool>> condition, TimeSpan timeout, string failure)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (!await condition())
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, failure);
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
    }
}
