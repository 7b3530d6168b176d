using TorRelay.Directory.Descriptors;

namespace TorRelay.Directory.Tests.Descriptors;

public sealed class ExtraInfoLayoutTests : IDisposable
{
    private readonly TestRelayKeys _keys = new();

    public void Dispose() => _keys.Dispose();

    /// <summary>
    /// extrainfo_dump_to_string (C tor's router.c): the header chunk ("extra-info", "identity-ed25519" and its
    /// certificate, "published"), the bandwidth history lines in bwhist_get_bandwidth_lines' order, then the signatures.
    /// </summary>
    [Fact]
    public void HistoryLinesFollowPublishedAndPrecedeTheSignatures()
    {
        string[] history =
        [
            "write-history 2030-01-06 12:34:56 (86400 s) 5120,54272",
            "read-history 2030-01-06 12:34:56 (86400 s) 4096,49152",
            "dirreq-write-history 2030-01-06 12:34:56 (86400 s) 3072,34816",
            "dirreq-read-history 2030-01-06 12:34:56 (86400 s) 2048,29696",
        ];
        BuiltDescriptor built = ServerDescriptorBuilder.Build(
            _keys.Input(DateTimeOffset.Parse("2030-01-06T13:00:00Z")) with { ExtraInfoLines = history });

        Assert.Equal(
        [
            "extra-info", "identity-ed25519", "published", "write-history", "read-history", "dirreq-write-history",
            "dirreq-read-history", "router-sig-ed25519", "router-signature",
        ], Keywords(built.ExtraInfo));
        foreach (string line in history) Assert.Contains("\n" + line + "\n", built.ExtraInfo);
        Assert.True(UnverifiedExtraInfo.TryParse(built.ExtraInfo, out var ei, out string? error), error);
        Assert.True(UnverifiedServerDescriptor.TryParse(built.Descriptor, out var d, out error), error);
        Assert.True(d!.TryVerify(DateTimeOffset.UtcNow, out var descriptor, out error), error);
        Assert.True(ei!.TryVerify(descriptor!, out _, out error), error);
    }

    /// <summary>Each item's keyword in document order, object bodies skipped.</summary>
    private static List<string> Keywords(string document)
    {
        var keywords = new List<string>();
        bool inObject = false;
        foreach (string line in document.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith("-----BEGIN ", StringComparison.Ordinal)) inObject = true;
            else if (line.StartsWith("-----END ", StringComparison.Ordinal)) inObject = false;
            else if (!inObject) keywords.Add(line.Split(' ')[0]);
        }
        return keywords;
    }
}
