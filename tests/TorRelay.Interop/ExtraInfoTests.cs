using TorRelay.TestNet;

namespace TorRelay.Interop;

/// <summary>
/// A C tor authority accepts our extra-info document and serves it at /tor/extra/fp/, with the same bandwidth history
/// lines a C tor relay of the same age publishes: none, since C tor writes a history line only once a whole
/// 24-hour period has been committed (bwhist_get_one_bandwidth_line), and both relays keep no older state.
/// </summary>
[Collection("TorNetwork")]
public sealed class ExtraInfoTests(TorNetworkFixture fixture)
{
    private static readonly TimeSpan FetchDeadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task AuthorityServesOurExtraInfoWithCTorsHistoryLines()
    {
        var network = fixture.Network;
        var ours = await network.WaitForRelayAsync(fixture.OurRelay.Nickname, ["Running", "Valid"],
            fixture.TimeLeft(TorNetworkFixture.ListingDeadline));
        var ctorRelay = network.Relays.First(n => n.IsCTor && n != fixture.OurRelay);
        var authority = network.Authorities[0];

        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(5) };
        string mine = await FetchExtraInfoAsync(http, authority, ours.Fingerprint);
        string theirs = await FetchExtraInfoAsync(http, authority, ctorRelay.Fingerprint!);

        Assert.StartsWith($"extra-info {fixture.OurRelay.Nickname} {ours.Fingerprint}\n", mine);
        Assert.Contains("\nrouter-signature\n", mine);
        Assert.Equal(HistoryKeywords(theirs), HistoryKeywords(mine));
        Assert.DoesNotContain(HistoryKeywords(mine), k => k is not ("write-history" or "read-history"
            or "ipv6-write-history" or "ipv6-read-history" or "dirreq-write-history" or "dirreq-read-history"));
    }

    /// <summary>GET /tor/extra/fp/FP from the authority's DirPort until it has accepted the document.</summary>
    private static async Task<string> FetchExtraInfoAsync(HttpClient http, TorNode authority, string fingerprint)
    {
        var uri = new Uri($"http://127.0.0.1:{authority.DirPort}/tor/extra/fp/{fingerprint}");
        var deadline = DateTimeOffset.UtcNow + FetchDeadline;
        string last = "no answer";
        while (true)
        {
            try
            {
                using var response = await http.GetAsync(uri);
                if (response.IsSuccessStatusCode)
                {
                    string text = await response.Content.ReadAsStringAsync();
                    if (text.StartsWith("extra-info ", StringComparison.Ordinal)) return text;
                    last = "unexpected body";
                }
                else last = $"HTTP {(int)response.StatusCode}";
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                last = e.Message;
            }
            if (DateTimeOffset.UtcNow >= deadline)
                throw new TimeoutException($"{authority.Nickname} did not serve {uri.AbsolutePath}: {last}");
            await Task.Delay(TimeSpan.FromSeconds(2));
        }
    }

    private static List<string> HistoryKeywords(string extraInfo) =>
        extraInfo.Split('\n').Select(l => l.Split(' ')[0]).Where(k => k.EndsWith("-history", StringComparison.Ordinal)).ToList();
}
