using TorRelay.Relay.State;

namespace TorRelay.Relay.Tests.State;

public class StateFileTests
{
    private static readonly DateTimeOffset Now = new(2030, 1, 6, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void ACTorStateFileParsesIntoItsKeyValueLines()
    {
        Assert.True(StateFile.TryParse(CTorStateFiles.Fresh, out var state, out _));
        Assert.Equal(28, state.Lines.Count);
        Assert.Equal("2026-11-23 18:57:28", state.Get("BWHistoryReadEnds"));
        Assert.Equal("Tor 0.4.9.11", state.Get("TorVersion"));
        Assert.Equal("0", state.Get("dormant"));
    }

    [Fact]
    public void FormattingWritesCTorsHeaderThenSortedLinesWithLastWrittenAndVersion()
    {
        Assert.True(StateFile.TryParse("Zeta 1\nAlpha two words\n", out var state, out _));
        string text = state.Format(Now, "TorRelay test");
        string[] lines = text.Split('\n');
        Assert.StartsWith("# Tor state file last generated on ", lines[0]);
        Assert.EndsWith(" local time", lines[0]);
        Assert.Equal(["# Other times below are in UTC", "# You *do not* need to edit this file.", ""], lines[1..4]);
        Assert.Equal(["Alpha two words", "LastWritten 2030-01-06 12:00:00", "TorVersion TorRelay test", "Zeta 1", ""], lines[4..]);
    }

    [Fact]
    public void EveryLineOfACTorFileSurvivesARoundTrip()
    {
        Assert.True(StateFile.TryParse(CTorStateFiles.ThreeDays, out var state, out _));
        string text = state.Format(DateTimeOffset.Parse("2030-01-06 12:00:00Z"), "Tor 0.4.9.11");
        Assert.Equal(Body(CTorStateFiles.ThreeDays), Body(text));
    }

    [Fact]
    public void SetReplacesEveryLineOfTheKeyAtTheFirstOnesPlace()
    {
        Assert.True(StateFile.TryParse("A 1\nB 2\nA 3\nC 4\n", out var state, out _));
        Assert.Equal("3", state.Get("A"));
        state.Set("a", "5");
        Assert.Equal([("a", "5"), ("B", "2"), ("C", "4")], state.Lines);
    }

    [Theory]
    [InlineData("BWHistoryReadEnds yesterday\n")]
    [InlineData("BWHistoryWriteInterval -5\n")]
    [InlineData("BWHistoryDirReadInterval 0\n")]
    [InlineData("LastWritten 2030-13-01 00:00:00\n")]
    [InlineData("Guard \u0001\u0002\u0003\n")]
    public void ABadlyTypedKnownValueOrAControlCharacterMakesTheFileUnparseable(string text)
    {
        Assert.False(StateFile.TryParse(text, out _, out string error));
        Assert.NotEmpty(error);
    }

    /// <summary>The file without its first (local-time) header line.</summary>
    private static string Body(string text) => text[(text.IndexOf('\n') + 1)..];
}
