using TorRelay.TestNet;

namespace TorRelay.Interop;

/// <summary>
/// A second instance of our relay with AssumeReachable 0 started in the running network does what C tor does before
/// publishing: it builds a testing circuit through the C tor relays back to its own ORPort, notices the CREATE that
/// arrives on the channel a C tor relay opened to it, logs C tor's lines, and only then uploads its descriptor, which
/// the authorities list as Running.
/// </summary>
[Collection("TorNetwork")]
public sealed class ReachabilityTests(TorNetworkFixture fixture)
{
    private static readonly TimeSpan SelfTestDeadline = TimeSpan.FromSeconds(150);
    private static readonly TimeSpan ListingDeadline = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task RelayWithoutAssumeReachablePublishesOnlyAfterItsSelfTestThroughCTorRelays()
    {
        var network = fixture.Network;
        // The testing circuit needs other relays in the consensus, with their microdescriptors.
        await network.WaitForRelaysAsync(network.CTorRelayNicknames, ["Running", "Valid"], fixture.TimeLeft(TorNetworkFixture.ListingDeadline));
        var node = await network.StartExtraRelayAsync("reachtest0", assumeReachable: false);
        try
        {
            string orPort = $"127.0.0.1:{node.OrPort}";
            string checking = $"Now checking whether IPv4 ORPort {orPort} is reachable... (this may take up to 20 minutes -- look for log messages indicating success)";
            string reachable = $"Self-testing indicates your ORPort {orPort} is reachable from the outside. Excellent. Publishing server descriptor.";
            var deadline = DateTimeOffset.UtcNow + SelfTestDeadline;
            while (!LogFiles.ReadAll(node.NoticeLogPath).Contains(reachable, StringComparison.Ordinal))
            {
                Assert.True(node.IsRunning, "the relay exited\n" + network.LogTail(node));
                Assert.True(DateTimeOffset.UtcNow < deadline, "no reachability within the deadline\n" + network.LogTail(node, 80));
                await Task.Delay(1000);
            }

            var entry = await network.WaitForRelayAsync(node.Nickname, ["Running", "Valid"], ListingDeadline);
            Assert.Equal(node.OrPort, entry.OrPort);

            var notice = LogFiles.ReadLines(node.NoticeLogPath);
            int checkingAt = IndexOf(notice, checking);
            int reachableAt = IndexOf(notice, reachable);
            int uploadedAt = IndexOf(notice, "Uploaded our descriptor to ");
            Assert.True(checkingAt >= 0 && checkingAt < reachableAt, "the relay did not announce its test first\n" + string.Join("\n", notice));
            Assert.True(reachableAt < uploadedAt, "the relay uploaded before it found its ORPort reachable\n" + string.Join("\n", notice));

            // A CREATE from another relay proved it; and testing circuits (more follow for the bandwidth test) opened
            // through C tor relays, the last of which extended to our ORPort. Hops are random: wait for such a one.
            var ctor = network.CTorNodes.Select(n => n.Nickname).ToList();
            Assert.Contains(LogFiles.ReadLines(node.InfoLogPath), l => l.Contains("shows our ORPort reachable", StringComparison.Ordinal));
            deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(90);
            while (!LogFiles.ReadLines(node.InfoLogPath).Any(l => ThroughCTor(l, ctor)))
            {
                Assert.True(DateTimeOffset.UtcNow < deadline, "no testing circuit through C tor relays opened\n" + network.LogTail(node, 80));
                await Task.Delay(1000);
            }
        }
        finally
        {
            await TorNetwork.StopExtraNodeAsync(node);
        }
    }

    /// <summary>"Testing circuit through ENTRY $FP and MIDDLE $FP to our ORPort is open" with both hops C tor.</summary>
    private static bool ThroughCTor(string line, IReadOnlyList<string> ctor)
    {
        const string prefix = "Testing circuit through ";
        int at = line.IndexOf(prefix, StringComparison.Ordinal);
        if (at < 0) return false;
        var words = line[(at + prefix.Length)..].Split(' ');
        return words.Length > 4 && ctor.Contains(words[0]) && words[2] == "and" && ctor.Contains(words[3]);
    }

    private static int IndexOf(IReadOnlyList<string> lines, string text)
    {
        for (int i = 0; i < lines.Count; i++)
            if (lines[i].Contains(text, StringComparison.Ordinal)) return i;
        return -1;
    }
}
