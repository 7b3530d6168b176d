using TorRelay.Directory.Netdoc;
using TorRelay.Directory;

namespace TorRelay.Directory.Tests.Netdoc;

public sealed class NetdocTokenizerTests
{
    [Fact]
    public void TokenizesKeywordsArgumentsAndObjects()
    {
        const string doc = "alpha 1 2\tthree\nopt beta\n\ngamma\n-----BEGIN FOO BAR-----\nAAEC\nAw==\n-----END FOO BAR-----\nz-z\n";
        Assert.True(NetdocTokenizer.TryTokenize(doc, out var items, out string? error), error);
        Assert.Equal(["alpha", "beta", "gamma", "z-z"], items.Select(i => i.Keyword));
        Assert.Equal(["1", "2", "three"], items[0].Arguments);
        Assert.Equal("1 2\tthree", items[0].ArgumentText);
        Assert.Empty(items[1].Arguments);
        Assert.Equal("FOO BAR", items[2].Object!.Type);
        Assert.Equal(new byte[] { 0, 1, 2, 3 }, items[2].Object!.Data);
        Assert.Equal(doc.IndexOf("gamma", StringComparison.Ordinal), items[2].Start);
        Assert.Equal(doc.IndexOf("z-z", StringComparison.Ordinal), items[2].End);
        Assert.Equal(doc.Length, items[3].End);
    }

    [Fact]
    public void AcceptsUnpaddedBase64InObjects()
    {
        Assert.True(NetdocTokenizer.TryTokenize("k\n-----BEGIN X-----\nAAEC\nAw\n-----END X-----\n", out var items, out _));
        Assert.Equal(new byte[] { 0, 1, 2, 3 }, items[0].Object!.Data);
    }

    [Theory]
    [InlineData("-bad keyword\n", "bad keyword")]
    [InlineData("key!word 1\n", "bad keyword")]
    [InlineData("-----BEGIN X-----\nAAAA\n-----END X-----\n", "object without a keyword line")]
    [InlineData("k\n-----BEGIN X-----\nAAAA\n", "missing end line")]
    [InlineData("k\n-----BEGIN X-----\nAAAA\n-----END Y-----\n", "does not match")]
    [InlineData("k\n-----BEGIN X-----\nA!AA\n-----END X-----\n", "bad base64")]
    [InlineData("k\n-----BEGIN X\nAAAA\n-----END X-----\n", "malformed object begin line")]
    [InlineData("k\n-----BEGIN x!-----\nAAAA\n-----END x!-----\n", "bad object type")]
    [InlineData("k a\rb\n", "control character")]
    [InlineData("k\n-----BEGIN X-----\nAAAAA\n-----END X-----\n", "bad base64")]
    public void RejectsMalformedDocumentsWithAReason(string doc, string reason)
    {
        Assert.False(NetdocTokenizer.TryTokenize(doc, out _, out string? error));
        Assert.Contains(reason, error);
    }

    [Fact]
    public void RefusesOversizedObjects()
    {
        string body = string.Concat(Enumerable.Repeat(new string('A', 64) + "\n", 3000));
        Assert.False(NetdocTokenizer.TryTokenize("k\n-----BEGIN X-----\n" + body + "-----END X-----\n", out _,
            out string? error));
        Assert.Contains("too large", error);
    }

    [Fact]
    public void NeverThrowsOnRandomJunk()
    {
        var rng = new Random(1234);
        string alphabet = "ab -\n\t=+/:!\r\0-----BEGIN END X";
        for (int n = 0; n < 3000; n++)
        {
            var chars = new char[rng.Next(0, 200)];
            for (int i = 0; i < chars.Length; i++)
                chars[i] = rng.Next(4) == 0 ? (char)rng.Next(0, 256) : alphabet[rng.Next(alphabet.Length)];
            string junk = new(chars);
            NetdocTokenizer.TryTokenize(junk, out _, out _);
            TorRelay.Directory.Descriptors.UnverifiedServerDescriptor.TryParse("router " + junk, out _, out _);
            TorRelay.Directory.Consensus.UnverifiedMicrodescConsensus.TryParse("network-status-version " + junk, out _, out _);
            TorRelay.Directory.Consensus.AuthorityCertificate.TryParseMany(junk, out _, out _);
        }
    }

    [Fact]
    public void SignedRangeFollowsCTorRules()
    {
        const string doc = "router x\nfoo\nrouter-sig-ed25519 AAAA\nrouter-signature\nSIG";
        Assert.True(SignedRange.TryFind(doc, "router ", "\nrouter-sig-ed25519", ' ', out int s, out int e));
        Assert.Equal("router x\nfoo\nrouter-sig-ed25519 ", doc[s..e]);
        Assert.True(SignedRange.TryFind(doc, "router ", "\nrouter-signature", '\n', out s, out e));
        Assert.Equal("router x\nfoo\nrouter-sig-ed25519 AAAA\nrouter-signature\n", doc[s..e]);
        Assert.False(SignedRange.TryFind("xrouter a\nrouter-signature\n", "router ", "\nrouter-signature", '\n', out _, out _));
    }
}
