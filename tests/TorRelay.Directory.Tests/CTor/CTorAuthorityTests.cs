using System.Diagnostics;
using TorRelay.Directory.Client;
using TorRelay.Directory.Consensus;
using TorRelay.Directory.Descriptors;
using TorRelay.Directory.Netdoc;
using TorRelay.Directory.Tests.Descriptors;
using Xunit.Abstractions;

namespace TorRelay.Directory.Tests.CTor;

/// <summary>The decisive checks: a real C tor 0.4.9 authority accepts our descriptor and serves a consensus we verify.</summary>
[Trait("Category", "CTor")]
public sealed class CTorAuthorityTests(ITestOutputHelper output)
{
    [Fact]
    public async Task AuthorityAcceptsOurDescriptorAndServesAConsensusWeVerify()
    {
        using TorAuthority tor = await TorAuthority.StartAsync();
        using var keys = new TestRelayKeys();
        using var client = new DirectoryClient(new DirectoryClientOptions { Timeout = TimeSpan.FromSeconds(20) });
        try
        {
            BuiltDescriptor built = ServerDescriptorBuilder.Build(keys.Input(orPort: AuthorityKeys.FreePort()) with
            {
                ExtraInfoLines = ["write-history 2030-01-01 00:00:00 (86400 s) 0"],
                // Every optional line C tor's own descriptor has, so the order check below covers it.
                HiddenServiceDir = true,
            });
            await tor.WaitForLogAsync("Bootstrapped 0%", TimeSpan.FromSeconds(30));
            int logMark = tor.ReadLog().Length;

            DirectoryResponse upload = await client.UploadDescriptorAsync(tor.Authority, built.UploadBody);
            output.WriteLine($"upload: {upload}");
            Assert.Equal(200, upload.StatusCode);

            // Authorities answer 200 even for descriptors they drop: fetching it back is the proof.
            DirectoryResponse fetched = await client.FetchServerDescriptorAsync(tor.Authority, built.Fingerprint);
            Assert.Equal(200, fetched.StatusCode);
            Assert.Equal(built.Descriptor.TrimEnd('\n'), fetched.Body!.TrimEnd('\n'));
            DirectoryResponse extra = await client.GetAsync(tor.Authority, "/tor/extra/d/" + NetdocFormat.Hex(built.ExtraInfoDigest));
            Assert.Equal(200, extra.StatusCode);
            Assert.Equal(built.ExtraInfo.TrimEnd('\n'), extra.Body!.TrimEnd('\n'));

            string newLog = tor.ReadLog()[logMark..];
            output.WriteLine(newLog);
            var warnings = newLog.Split('\n').Where(l => l.Contains("[warn]") &&
                (l.Contains("descriptor", StringComparison.OrdinalIgnoreCase) || l.Contains(built.FingerprintHex) ||
                 l.Contains("TorRelayTest") || l.Contains("ed25519", StringComparison.OrdinalIgnoreCase) ||
                 l.Contains("signature", StringComparison.OrdinalIgnoreCase) ||
                 l.Contains("crosscert", StringComparison.OrdinalIgnoreCase) ||
                 l.Contains("extra-info", StringComparison.OrdinalIgnoreCase) ||
                 l.Contains("extrainfo", StringComparison.OrdinalIgnoreCase)));
            Assert.Empty(warnings);

            // C tor's own descriptor, as its authority serves it, verifies with our parser.
            DirectoryResponse own = await client.GetAsync(tor.Authority, "/tor/server/authority");
            Assert.Equal(200, own.StatusCode);
            Assert.True(UnverifiedServerDescriptor.TryParse(own.Body!, out var ctorDesc, out string? error), error);
            Assert.True(ctorDesc!.TryVerify(DateTimeOffset.UtcNow, out var ctorVerified, out error), error);
            Assert.Equal(tor.Authority.Fingerprint, ctorVerified!.Fingerprint);
            output.WriteLine(own.Body);

            // Items both descriptors carry come in the same order.
            Assert.True(NetdocTokenizer.TryTokenize(own.Body!, out var theirs, out _));
            Assert.True(NetdocTokenizer.TryTokenize(built.Descriptor, out var ours, out _));
            var common = theirs.Select(i => i.Keyword).Intersect(ours.Select(i => i.Keyword)).ToHashSet();
            Assert.True(common.Count >= 20, string.Join(",", common));
            Assert.Equal(theirs.Select(i => i.Keyword).Where(common.Contains).Distinct(),
                ours.Select(i => i.Keyword).Where(common.Contains).Distinct());

            await FetchAndVerifyConsensusAsync(tor, client);
        }
        catch
        {
            output.WriteLine(tor.ReadLog());
            throw;
        }
    }

    private async Task FetchAndVerifyConsensusAsync(TorAuthority tor, DirectoryClient client)
    {
        DirectoryResponse certs = await client.FetchAuthorityCertificatesAsync(tor.Authority);
        Assert.Equal(200, certs.StatusCode);
        Assert.True(AuthorityCertificate.TryParseMany(certs.Body!, out var certificates, out string? error), error);
        Assert.Equal(tor.Authority.V3Identity, Assert.Single(certificates).IdentityFingerprint);

        // Every consensus served must verify; wait (at most 120 s) for one that lists the authority itself, which
        // the first one may not (an authority is not yet Running at its first vote).
        var sw = Stopwatch.StartNew();
        UnverifiedMicrodescConsensus? unverified = null;
        MicrodescConsensus? verified = null;
        while (sw.Elapsed < TimeSpan.FromSeconds(120))
        {
            DirectoryResponse consensus = await client.FetchConsensusAsync(tor.Authority, "microdesc");
            if (consensus.IsSuccess)
            {
                Assert.True(UnverifiedMicrodescConsensus.TryParse(consensus.Body!, out unverified, out error), error);
                Assert.True(unverified!.Verify([tor.Authority], certificates, DateTimeOffset.UtcNow, out verified,
                    out error), error);
                output.WriteLine($"consensus valid-after {verified!.ValidAfter:T} after {sw.Elapsed.TotalSeconds:F0} s, " +
                                 $"{verified.Routers.Count} routers");
                if (verified.FindByIdentity(tor.Authority.Fingerprint) is not null) break;
            }

            await Task.Delay(2000);
        }

        Assert.NotNull(verified);
        RouterStatusEntry self = verified!.FindByIdentity(tor.Authority.Fingerprint)!;
        Assert.NotNull(self);
        Assert.True(self.HasFlag("Authority"));
        Assert.Equal("dirauth1", self.Nickname);
        Assert.Equal(NetdocFormat.Hex(tor.Authority.V3Identity!), NetdocFormat.Hex(Assert.Single(verified.DirSources).Identity));

        // Signed by a key we were not given: verification must fail.
        Assert.False(unverified!.Verify([tor.Authority], [], DateTimeOffset.UtcNow, out _, out _));
    }
}
