using System.Security.Cryptography;
using System.Text;
using TorRelay.Directory.Cache;
using TorRelay.Directory.Consensus;
using TorRelay.Directory.Netdoc;
using TorRelay.Directory.Tests.Consensus;

namespace TorRelay.Directory.Tests.Cache;

/// <summary>
/// Synthetic directory documents for handler tests: microdescriptors and server descriptors (only their digests
/// matter to the cache) and both consensus flavours listing them, signed by tor-gencert keys.
/// </summary>
internal sealed class TestDocuments
{
    public TestDocuments(GencertFixture gencert, DateTimeOffset validAfter, int signers = 3, int routers = 3,
        TimeSpan? descriptorAge = null)
    {
        ValidAfter = NetdocFormat.TruncateToSeconds(validAfter);
        for (int i = 0; i < routers; i++)
        {
            Identities.Add(SHA1.HashData(Encoding.ASCII.GetBytes("identity" + i)));
            Microdescriptors.Add($"onion-key\n{NetdocFormat.Object("RSA PUBLIC KEY", Encoding.ASCII.GetBytes("key" + i))}" +
                                 $"ntor-onion-key {NetdocFormat.Base64NoPad(SHA256.HashData([(byte)i]))}\nid ed25519 {i}\n");
            Descriptors.Add($"router test{i} 127.0.0.{i + 1} 500{i} 0 0\nplatform Tor 0.4.9.11\n" +
                            $"published {NetdocFormat.FormatTime(ValidAfter - (descriptorAge ?? TimeSpan.FromMinutes(5)))}\n" +
                            $"fingerprint {NetdocFormat.FingerprintWithSpaces(Identities[i])}\nrouter-signature\n" +
                            NetdocFormat.Object("SIGNATURE", Encoding.ASCII.GetBytes("signature" + i)));
        }

        var keys = gencert.Certificates.Zip(gencert.SigningKeys).Take(signers).ToList();
        MicrodescText = TestConsensus.Sign(Body("microdesc", gencert, descriptorAge), keys);
        NsText = TestConsensus.Sign(Body("ns", gencert, descriptorAge), keys);
        // Certificates are published when the fixture made them: check no earlier than that.
        DateTimeOffset at = ValidAfter > DateTimeOffset.UtcNow ? ValidAfter : DateTimeOffset.UtcNow;
        Assert.True(UnverifiedMicrodescConsensus.TryParse(MicrodescText, out var md, out string? error), error);
        Assert.True(md!.Verify(gencert.Authorities, gencert.Certificates, at, out var mdv, out error), error);
        MicrodescConsensus = CachedConsensus.From(mdv!);
        Assert.True(UnverifiedNsConsensus.TryParse(NsText, out var ns, out error), error);
        Assert.True(ns!.Verify(gencert.Authorities, gencert.Certificates, at, out var nsv, out error), error);
        NsConsensus = CachedConsensus.From(nsv!);
    }

    public DateTimeOffset ValidAfter { get; }
    public List<byte[]> Identities { get; } = [];
    public List<string> Microdescriptors { get; } = [];
    public List<string> Descriptors { get; } = [];
    public string MicrodescText { get; }
    public string NsText { get; }
    public CachedConsensus MicrodescConsensus { get; }
    public CachedConsensus NsConsensus { get; }

    public static byte[] MicrodescDigest(string md) => SHA256.HashData(NetdocFormat.WireBytes(md));

    public static byte[] DescriptorDigest(string d)
        => SHA1.HashData(NetdocFormat.WireBytes(d[..(d.IndexOf("\nrouter-signature\n", StringComparison.Ordinal) + 18)]));

    /// <summary>A store holding both consensuses, every document and the certificates.</summary>
    public DirectoryDocumentStore Store(GencertFixture gencert)
    {
        var store = new DirectoryDocumentStore();
        Assert.True(store.SetConsensus(MicrodescConsensus));
        Assert.True(store.SetConsensus(NsConsensus));
        Assert.Equal(Microdescriptors.Count,
            store.AddMicrodescriptors(CachedMicrodescriptor.SplitMany(string.Concat(Microdescriptors))));
        Assert.Equal(Descriptors.Count, store.AddServerDescriptors(CachedServerDescriptor.SplitMany(string.Concat(Descriptors))));
        store.SetCertificates(gencert.Certificates);
        return store;
    }

    private string Body(string flavor, GencertFixture gencert, TimeSpan? descriptorAge)
    {
        var sb = new StringBuilder();
        sb.Append(flavor == "ns" ? "network-status-version 3\n" : "network-status-version 3 microdesc\n");
        sb.Append("vote-status consensus\nconsensus-method 34\n");
        sb.Append($"valid-after {NetdocFormat.FormatTime(ValidAfter)}\n");
        sb.Append($"fresh-until {NetdocFormat.FormatTime(ValidAfter.AddMinutes(10))}\n");
        sb.Append($"valid-until {NetdocFormat.FormatTime(ValidAfter.AddMinutes(30))}\n");
        sb.Append("voting-delay 4 4\nclient-versions \nserver-versions \nknown-flags Fast Running V2Dir Valid\n");
        for (int i = 0; i < gencert.Certificates.Count; i++)
        {
            sb.Append($"dir-source auth{i} {NetdocFormat.Hex(gencert.Certificates[i].IdentityFingerprint)} 127.0.0.1 127.0.0.1 {7000 + i} {5000 + i}\n");
            sb.Append($"contact auth{i}@test.invalid\nvote-digest {new string('A', 40)}\n");
        }

        DateTimeOffset published = ValidAfter - (descriptorAge ?? TimeSpan.FromMinutes(5));
        for (int i = 0; i < Identities.Count; i++)
        {
            string digest = flavor == "ns" ? NetdocFormat.Base64NoPad(DescriptorDigest(Descriptors[i])) + " " : "";
            sb.Append($"r test{i} {NetdocFormat.Base64NoPad(Identities[i])} {digest}{NetdocFormat.FormatTime(published)} 127.0.0.{i + 1} 500{i} 0\n");
            sb.Append("s Fast Running V2Dir Valid\nw Bandwidth=20\n");
            sb.Append(flavor == "ns" ? "p reject 1-65535\n" : $"m {NetdocFormat.Base64NoPad(MicrodescDigest(Microdescriptors[i]))}\n");
        }

        sb.Append("directory-footer\n");
        return sb.ToString();
    }
}

/// <summary>A clock that stands still where the test puts it.</summary>
internal sealed class FixedTime(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
