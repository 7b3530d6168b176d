using Microsoft.Extensions.Logging;
using TorRelay.Relay.Bandwidth;
using TorRelay.Relay.State;

namespace TorRelay.Relay.Tests.State;

public sealed class RelayStateStoreTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2030, 1, 6, 12, 0, 0, TimeSpan.Zero);
    private readonly string _dir = System.IO.Directory.CreateTempSubdirectory("torrelay-state-").FullName;
    private readonly CapturingLogger _log = new();

    public void Dispose() => System.IO.Directory.Delete(_dir, recursive: true);

    private string StatePath => Path.Combine(_dir, "state");

    [Fact]
    public void WithoutAStateFileOneIsWrittenAtOnceOwnerOnly()
    {
        var store = new RelayStateStore(_dir, new ExtraInfoBandwidthHistory(Now), _log);
        store.Load(Now);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(StatePath));
        string text = File.ReadAllText(StatePath);
        Assert.Contains("\nBWHistoryReadEnds 2030-01-07 12:00:00\n", text);
        Assert.Contains("\nLastWritten 2030-01-06 12:00:00\n", text);
        Assert.Equal(Now + RelayStateStore.RelayCheckpointInterval, store.NextWrite);
    }

    [Fact]
    public void ARelayCheckpointsItsStateEveryTwelveHours()
    {
        File.WriteAllText(StatePath, CTorStateFiles.ThreeDays);
        var store = new RelayStateStore(_dir, new ExtraInfoBandwidthHistory(Now), _log);
        store.Load(Now);
        Assert.Equal(CTorStateFiles.ThreeDays, File.ReadAllText(StatePath)); // loading alone does not write
        Assert.Equal(Now, store.NextWrite); // but the first tick does
        store.SaveIfDue(Now);
        File.WriteAllText(StatePath, "");
        store.SaveIfDue(Now.AddHours(11));
        Assert.Equal("", File.ReadAllText(StatePath));
        store.SaveIfDue(Now.AddHours(12));
        Assert.Contains("\nLastWritten 2030-01-07 00:00:00\n", File.ReadAllText(StatePath));
        Assert.Equal(Now.AddHours(24), store.NextWrite);
    }

    [Fact]
    public void KeysWeDoNotUseAreWrittenBack()
    {
        File.WriteAllText(StatePath, CTorStateFiles.ThreeDays);
        var store = new RelayStateStore(_dir, new ExtraInfoBandwidthHistory(Now), _log);
        store.Load(Now);
        store.SaveAtShutdown(Now.AddMinutes(1));
        string text = File.ReadAllText(StatePath);
        Assert.Contains("\nGuard in=default rsa_id=0A0B0C0D0E0F10111213141516171819202122 nickname=g1 sampled_on=2030-01-01T00:00:00 listed=1\n", text);
        Assert.Contains("\nLastRotatedOnionKey 2030-01-05 10:00:00\n", text);
        Assert.Contains("\nDormant 0\n", text);
    }

    [Fact]
    public void NothingIsWrittenAtShutdownBeforeTheStateWasLoaded()
    {
        new RelayStateStore(_dir, new ExtraInfoBandwidthHistory(Now), _log).SaveAtShutdown(Now);
        Assert.False(File.Exists(StatePath));
    }

    [Fact]
    public void AnUnparseableStateFileIsMovedAsideWithAWarningAndAFreshOneWritten()
    {
        File.WriteAllText(StatePath, "BWHistoryReadEnds not a time\nSomething 1\n");
        File.WriteAllText(StatePath + ".0", "an earlier broken file");
        var history = new ExtraInfoBandwidthHistory(Now);
        var store = new RelayStateStore(_dir, history, _log);
        store.Load(Now);
        Assert.Equal("BWHistoryReadEnds not a time\nSomething 1\n", File.ReadAllText(StatePath + ".1"));
        Assert.Contains(_log.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("Unable to parse state"));
        store.SaveIfDue(Now);
        string fresh = File.ReadAllText(StatePath);
        Assert.DoesNotContain("Something", fresh);
        Assert.Contains("\nBWHistoryReadValues 0\n", fresh);
    }

    [Fact]
    public void GarbageBytesAreTreatedAsABrokenStateFile()
    {
        File.WriteAllBytes(StatePath, [0x00, 0xFF, 0x13, 0x37, 0x0A, 0x80, 0x01, 0x02]);
        var store = new RelayStateStore(_dir, new ExtraInfoBandwidthHistory(Now), _log);
        store.Load(Now);
        Assert.True(File.Exists(StatePath + ".0"));
        Assert.Contains(_log.Entries, e => e.Level == LogLevel.Warning);
        store.SaveIfDue(Now);
        Assert.True(StateFile.TryParse(File.ReadAllText(StatePath), out _, out _));
    }

    [Fact]
    public void UnparseableHistoryValuesStartAFreshHistoryAndMoveTheFileAside()
    {
        string text = CTorStateFiles.ThreeDays.Replace("176947200,353894400", "176947200,35x894400");
        File.WriteAllText(StatePath, text);
        var history = new ExtraInfoBandwidthHistory(Now.AddHours(-1));
        new RelayStateStore(_dir, history, _log).Load(Now);
        Assert.Empty(history.GetBandwidthLines());
        Assert.Equal(text, File.ReadAllText(StatePath + ".0"));
        Assert.Contains(_log.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("bandwidth history"));
    }
}
