using System.Text.RegularExpressions;
using TorRelay.TestNet;
using Xunit.Abstractions;

namespace TorRelay.Interop;

/// <summary>
/// Connection-level padding between C tor 0.4.9 clients and our relay as their guard. C tor clients send
/// PADDING_NEGOTIATE STOP when ConnectionPadding is 0, and also when ReducedConnectionPadding is 1 (they then pad only
/// themselves, with nf_ito_*_reduced: channelpadding_reduce_padding_on_channel); none ever sends START. Our relay's info
/// log names each channel by number, which ties a STOP to the keepalives (or their absence) on that channel.
/// </summary>
[Collection("TorNetwork")]
public sealed partial class ChannelPaddingTests(TorNetworkFixture fixture, ITestOutputHelper output)
{
    /// <summary>More than nf_ito_high (9.5 s) twice over: an idle padded channel sees a keepalive in this time.</summary>
    private static readonly TimeSpan IdleWindow = TimeSpan.FromSeconds(25);

    [GeneratedRegex(@"Padding negotiated on channel (\d+) to .*: (START|STOP) (\d+)-(\d+) ms")]
    private static partial Regex Negotiated();

    [GeneratedRegex(@"Sending netflow keepalive on channel (\d+) ")]
    private static partial Regex Keepalive();

    [Fact]
    public async Task OurRelayPadsDefaultClientsAndHonoursStopFromConnectionPaddingAndReducedClients()
    {
        var network = fixture.Network;
        var ours = fixture.OurRelay;
        string fp = await network.ResolveFingerprintAsync(ours, TimeSpan.FromSeconds(60));
        await network.WaitForRelayAsync(ours.Nickname, ["Running", "Valid", "Guard", "V2Dir"], TimeSpan.FromSeconds(150));
        long logStart = new FileInfo(ours.InfoLogPath).Length;
        string[] guard = [$"EntryNodes ${fp}", "UseEntryGuards 1"];

        var padded = await network.StartExtraClientAsync("padclient0", guard);
        var stopped = await network.StartExtraClientAsync("padclient1", [.. guard, "ConnectionPadding 0"]);
        var reduced = await network.StartExtraClientAsync("padclient2", [.. guard, "ReducedConnectionPadding 1"]);
        try
        {
            foreach (var client in new[] { padded, stopped, reduced })
                await WaitAsync(() => ConnectedToAsync(client, fp), TimeSpan.FromSeconds(120),
                    $"{client.Nickname} never connected to our relay\n{network.LogTail(client)}");
            // A client channel is padded once it carried a full circuit (C tor's channel_is_client + used-for-full-circuits
            // rule): wait until the default client has one through us, or a loaded machine can leave the window empty.
            await WaitAsync(() => BuiltCircuitThroughAsync(padded, fp), TimeSpan.FromSeconds(120),
                $"{padded.Nickname} built no circuit through our relay\n{network.LogTail(padded)}");

            // Two clients that each send STOP on their channel to us; nobody sends START.
            List<Match> negotiations = [];
            await WaitAsync(() =>
            {
                negotiations = Negotiated().Matches(LogFiles.ReadFrom(ours.InfoLogPath, logStart)).ToList();
                return Task.FromResult(negotiations.Count(m => m.Groups[2].Value == "STOP") >= 2);
            }, TimeSpan.FromSeconds(60), "no two PADDING_NEGOTIATE STOP in our relay's log\n" + network.LogTail(ours));
            Assert.DoesNotContain(negotiations, m => m.Groups[2].Value == "START");
            // A STOP carries no timeouts; we store them clamped to nf_ito_low as C tor does.
            Assert.All(negotiations, m => Assert.Equal("1500", m.Groups[3].Value));
            var stoppedChannels = negotiations.Select(m => m.Groups[1].Value).ToHashSet();
            string afterStops = LogFiles.ReadFrom(ours.InfoLogPath, logStart);
            long stopsEnd = logStart + System.Text.Encoding.UTF8.GetByteCount(afterStops);

            // Everything idles for a while; the channels stay open.
            await Task.Delay(IdleWindow);
            foreach (var client in new[] { padded, stopped, reduced })
                Assert.True(await ConnectedToAsync(client, fp), $"{client.Nickname} lost its channel to our relay");

            var keepalives = Keepalive().Matches(LogFiles.ReadFrom(ours.InfoLogPath, stopsEnd)).Select(m => m.Groups[1].Value).ToList();
            output.WriteLine($"STOP on channels {string.Join(", ", stoppedChannels)}; keepalives on {string.Join(", ", keepalives.Distinct())}");
            // (a) a client that did not opt out is padded (the default client is one; client0 may be another).
            Assert.Contains(keepalives, id => !stoppedChannels.Contains(id));
            // (b), (c) nothing on a channel after its STOP.
            Assert.DoesNotContain(keepalives, stoppedChannels.Contains);

            string metrics = await new HttpClient { Timeout = TimeSpan.FromSeconds(5) }
                .GetStringAsync($"http://127.0.0.1:{ours.MetricsPort}/metrics");
            Assert.Matches(@"torrelay_channel_padding_negotiations_total\{command=""stop""\} [1-9]", metrics);
            Assert.Matches(@"torrelay_cells_total\{command=""padding"",direction=""sent""\} [1-9]|torrelay_cells_total\{direction=""sent"",command=""padding""\} [1-9]", metrics);
        }
        finally
        {
            foreach (var client in new[] { padded, stopped, reduced })
                await TorNetwork.StopExtraNodeAsync(client);
        }
    }

    private async Task<bool> BuiltCircuitThroughAsync(TorNode client, string fp)
    {
        try
        {
            await using var control = await fixture.Network.ConnectControlAsync(client);
            // circuit-status lines: "ID BUILT $FP~nick,$FP~nick,... ", the first hop first.
            return (await control.GetInfoAsync("circuit-status")).Split('\n').Any(l => l.Split(' ') is { Length: >= 3 } f
                && f[1] == "BUILT" && f[2].Split(',') is { Length: >= 2 } hops && hops[0].StartsWith("$" + fp, StringComparison.Ordinal));
        }
        catch (IOException)
        {
            return false;
        }
    }

    private async Task<bool> ConnectedToAsync(TorNode client, string fp)
    {
        try
        {
            await using var control = await fixture.Network.ConnectControlAsync(client);
            return OrConnStatus.ParseAll(await control.GetInfoAsync("orconn-status")).Any(c => c.Fingerprint == fp && c.IsConnected);
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static async Task WaitAsync(Func<Task<bool>> condition, TimeSpan timeout, string failure)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (!await condition())
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, failure);
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
    }
}
