using System.Diagnostics;
using TorRelay.Directory.Cache;
using TorRelay.Directory.Client;
using TorRelay.Directory.Consensus;
using TorRelay.Directory.Netdoc;
using TorRelay.Directory.Tests.CTor;
using Xunit.Abstractions;

namespace TorRelay.Directory.Tests.Cache;

/// <summary>
/// The decisive check: filled from a real C tor 0.4.9 authority, the cache answers each URL as that authority does
/// (same status, same headers in the same order, byte-equal bodies).
/// </summary>
[Trait("Category", "CTor")]
public sealed class CTorDirectoryCacheTests(ITestOutputHelper output)
{
    [Fact]
    public async Task CacheFilledFromAnAuthorityAnswersEachUrlAsTheAuthorityDoes()
    {
        using TorAuthority tor = await TorAuthority.StartAsync();
        using var client = new DirectoryClient(new DirectoryClientOptions { Timeout = TimeSpan.FromSeconds(20) });
        var store = new DirectoryDocumentStore();
        var fetcher = new DirectoryCacheFetcher(store, client, [tor.Authority]);
        // The authority answers on its DirPort, an unencrypted connection; answer as C tor does there.
        var handler = new DirectoryRequestHandler(store, options: new DirectoryRequestHandlerOptions { EncryptedConnection = false });
        try
        {
            await FillAsync(fetcher, store);
            List<string> mismatches = [];
            for (int attempt = 1; attempt <= 3; attempt++)
            {
                Assert.True(await fetcher.RefreshAsync(CancellationToken.None));
                mismatches = await CompareAsync(tor, store, handler);
                if (mismatches.Count == 0) break;
                output.WriteLine($"attempt {attempt}: {string.Join("; ", mismatches)}"); // a consensus may roll over
            }

            Assert.Empty(mismatches);
        }
        catch
        {
            output.WriteLine(tor.ReadLog());
            throw;
        }
    }

    /// <summary>Refreshes until the consensuses list the authority itself (its first consensus may not) and all is fetched.</summary>
    private async Task FillAsync(DirectoryCacheFetcher fetcher, DirectoryDocumentStore store)
    {
        var sw = Stopwatch.StartNew();
        while (true)
        {
            bool complete = await fetcher.RefreshAsync(CancellationToken.None);
            DirectoryCacheSnapshot s = store.Current;
            output.WriteLine($"{sw.Elapsed.TotalSeconds:F0} s: complete={complete} md={s.MicrodescConsensus?.Routers.Count} " +
                             $"ns={s.NsConsensus?.Routers.Count} mds={s.MicrodescriptorCount} descs={s.ServerDescriptorCount}");
            if (complete && s.MicrodescriptorCount > 0 && s.ServerDescriptorCount > 0) return;
            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(150), "the cache was not filled in time");
            await Task.Delay(2000);
        }
    }

    private static async Task<List<string>> CompareAsync(TorAuthority tor, DirectoryDocumentStore store,
        DirectoryRequestHandler handler)
    {
        DirectoryCacheSnapshot s = store.Current;
        RouterStatusEntry md = s.MicrodescConsensus!.Routers[0];
        RouterStatusEntry ns = s.NsConsensus!.Routers[0];
        AuthorityCertificate cert = Assert.Single(s.Certificates);
        string v3 = NetdocFormat.Hex(cert.IdentityFingerprint);
        string mdDigest = NetdocFormat.Base64NoPad(md.MicrodescriptorDigest);
        string[] urls =
        [
            "/tor/status-vote/current/consensus",
            "/tor/status-vote/current/consensus-microdesc",
            $"/tor/status-vote/current/consensus-microdesc/{v3[..6]}+FFFFFF.z",
            "/tor/status-vote/current/consensus-microdesc/FFFFFF",
            "/tor/micro/d/" + mdDigest,
            $"/tor/micro/d/{mdDigest}-{NetdocFormat.Base64NoPad(new byte[32])}.z",
            "/tor/micro/d/" + NetdocFormat.Base64NoPad(new byte[32]),
            "/tor/server/d/" + NetdocFormat.Hex(ns.DescriptorDigest!),
            "/tor/server/fp/" + NetdocFormat.Hex(ns.Identity),
            "/tor/server/fp/" + NetdocFormat.Hex(ns.Identity) + "+" + new string('0', 40),
            "/tor/server/d/" + new string('A', 40),
            "/tor/server/all",
            "/tor/server/all.z",
            "/tor/keys/all",
            "/tor/keys/fp/" + v3,
            $"/tor/keys/fp-sk/{v3}-{NetdocFormat.Hex(cert.SigningKeyDigest)}",
            "/tor/keys/sk/" + NetdocFormat.Hex(cert.SigningKeyDigest),
            "/tor/keys/nonsense",
            "/tor/robots.txt",
            "/tor/nothing-here",
        ];
        string[] headerSets = ["", "Accept-Encoding: deflate, gzip, identity\r\n", "Accept-Encoding: gzip\r\n"];
        var mismatches = new List<string>();
        foreach (string url in urls)
        {
            foreach (string headers in headerSets)
            {
                RawHttp theirs = await RawHttp.FetchAsync(tor.Authority.DirPort, url, headers);
                RawHttp ours = RawHttp.From(handler, url, headers);
                string what = $"{url} [{headers.TrimEnd()}]";
                if (ours.StatusLine != theirs.StatusLine)
                    mismatches.Add($"{what}: '{ours.StatusLine}' vs '{theirs.StatusLine}'");
                else if (!ours.HeaderNames.SequenceEqual(theirs.HeaderNames))
                    mismatches.Add($"{what}: headers {string.Join(",", ours.HeaderNames)} vs {string.Join(",", theirs.HeaderNames)}");
                else if (ours.Header("Content-Encoding") != theirs.Header("Content-Encoding"))
                    mismatches.Add($"{what}: encoding {ours.Header("Content-Encoding")} vs {theirs.Header("Content-Encoding")}");
                else if (ours.Header("Content-Length") != theirs.Header("Content-Length"))
                    mismatches.Add($"{what}: length {ours.Header("Content-Length")} vs {theirs.Header("Content-Length")}");
                else if (!ours.Body.AsSpan().SequenceEqual(SelfDescriptorAsStored(url, theirs.Body)))
                    mismatches.Add($"{what}: bodies differ ({ours.Body.Length} vs {theirs.Body.Length} bytes)");
            }
        }

        return mismatches;
    }

    /// <summary>
    /// By fingerprint (and in "all") an authority serves its own descriptor as it generated it, with the extra last
    /// '\n' of router_dump_router_to_string; a cache serves the copy it fetched, as the authority does by digest.
    /// </summary>
    private static byte[] SelfDescriptorAsStored(string url, byte[] body)
        => (url.Contains("/fp/", StringComparison.Ordinal) || url.Contains("/all", StringComparison.Ordinal)) &&
           body.AsSpan().EndsWith("\n\n"u8)
            ? body[..^1]
            : body;
}
