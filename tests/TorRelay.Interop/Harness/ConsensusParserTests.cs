using TorRelay.TestNet;

namespace TorRelay.Interop.Harness;

/// <summary>The harness's consensus reader, on excerpts of consensuses C tor 0.4.9.11 authorities produced here.</summary>
public sealed class ConsensusParserTests
{
    private const string NsExcerpt = """
        network-status-version 3
        vote-status consensus
        valid-after 2026-11-22 12:43:40
        fresh-until 2026-11-22 12:44:00
        valid-until 2026-11-22 12:44:20
        r auth2 Fzb1WXJSzS6oD8LQ1SpigUU3bqA enypJkaJzJh3AVWe9RnzRs0Dzr4 2026-11-22 12:43:11 127.0.0.1 45909 41349
        s Authority Fast Guard HSDir Running Stable V2Dir Valid
        v Tor 0.4.9.11
        w Bandwidth=31 Unmeasured=1
        r ourrelay bGpnf43W2HgBrTI+GPB9qJIeuuI dTEJ3EhsODl2ks4XAiyfS0H/dzI 2026-11-22 12:43:21 127.0.0.1 41917 0
        s Fast Guard HSDir Running Stable V2Dir Valid
        r exit0 84Y7VUFtMTZquuiWYv8OLSZ+O6c DrlREA15OmZbWo9tzFyD6WbIGOY 2026-11-22 12:43:21 127.0.0.1 37187 0
        s Exit Fast Guard HSDir Running Stable V2Dir Valid
        directory-footer
        """;

    private const string MicrodescExcerpt = """
        network-status-version 3 microdesc
        vote-status consensus
        valid-after 2026-11-22 12:43:40
        r ourrelay bGpnf43W2HgBrTI+GPB9qJIeuuI 2038-01-01 00:00:00 127.0.0.1 41917 0
        m UHPWISp6Hh3pRzNeSVU6Nv+S8ov1mTN9eKJ9b1AtZrQ
        s Fast Guard HSDir Running Stable V2Dir Valid
        directory-footer
        """;

    [Fact]
    public void NsConsensusYieldsNicknameFingerprintPortAndFlags()
    {
        Assert.True(ConsensusParser.TryParse(NsExcerpt, out var doc, out string? error), error);

        Assert.Equal(ConsensusFlavor.Ns, doc!.Flavor);
        Assert.Equal(new DateTime(2026, 11, 22, 12, 43, 40, DateTimeKind.Utc), doc.ValidAfter);
        Assert.Equal(["auth2", "ourrelay", "exit0"], doc.Entries.Select(e => e.Nickname));
        var ours = doc.FindByNickname("ourrelay")!;
        // `tor --list-fingerprint` printed this fingerprint for the node listed as bGpnf43W...
        Assert.Equal("6C6A677F8DD6D87801AD323E18F07DA8921EBAE2", ours.Fingerprint);
        Assert.Equal(41917, ours.OrPort);
        Assert.True(ours.HasFlags(["Running", "Valid"]));
        Assert.False(ours.HasFlags(["Exit"]));
        Assert.True(doc.FindByNickname("exit0")!.HasFlags(["Exit"]));
        Assert.Same(ours, doc.FindByFingerprint("6c6a677f8dd6d87801ad323e18f07da8921ebae2"));
    }

    [Fact]
    public void MicrodescConsensusHasNoDigestField()
    {
        Assert.True(ConsensusParser.TryParse(MicrodescExcerpt, out var doc, out string? error), error);

        Assert.Equal(ConsensusFlavor.Microdesc, doc!.Flavor);
        var ours = Assert.Single(doc.Entries);
        Assert.Equal("6C6A677F8DD6D87801AD323E18F07DA8921EBAE2", ours.Fingerprint);
        Assert.Equal("127.0.0.1", ours.Address);
        Assert.Equal(41917, ours.OrPort);
        Assert.Contains("Running", ours.Flags);
    }

    [Theory]
    [InlineData("<html>404</html>")]
    [InlineData("network-status-version 3\nr short\n")]
    [InlineData("network-status-version 3\nr x notbase64!! d 2026-11-22 12:43:21 127.0.0.1 1 0\n")]
    public void MalformedTextIsRejectedWithoutThrowing(string text)
    {
        Assert.False(ConsensusParser.TryParse(text, out var doc, out string? error));
        Assert.Null(doc);
        Assert.False(string.IsNullOrEmpty(error));
    }
}
