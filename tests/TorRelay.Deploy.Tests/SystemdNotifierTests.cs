using TorRelay.Host.Systemd;

namespace TorRelay.Deploy.Tests;

public class SystemdNotifierTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    [Fact]
    public void ReadySendsOneDatagramWithStatusToAPathSocket()
    {
        using var systemd = NotifySocket.AtPath();
        using var notifier = new SystemdNotifier(systemd.Address);

        Assert.True(notifier.IsEnabled);
        Assert.True(notifier.Ready("Listening on ORPort 127.0.0.1:9001"));
        Assert.Equal("READY=1\nSTATUS=Listening on ORPort 127.0.0.1:9001", systemd.Receive(Wait));
    }

    [Fact]
    public void AnAtSignNamesTheAbstractNamespace()
    {
        using var systemd = NotifySocket.Abstract();
        using var notifier = new SystemdNotifier(systemd.Address);

        Assert.True(notifier.Stopping());
        Assert.Equal("STOPPING=1", systemd.Receive(Wait));
    }

    [Fact]
    public void ReloadingCarriesTheMonotonicClock()
    {
        using var systemd = NotifySocket.AtPath();
        using var notifier = new SystemdNotifier(systemd.Address);
        long before = Posix.MonotonicMicroseconds();

        Assert.True(notifier.Reloading());
        var lines = systemd.Receive(Wait)!.Split('\n');

        Assert.Equal("RELOADING=1", lines[0]);
        Assert.StartsWith("MONOTONIC_USEC=", lines[1]);
        long usec = long.Parse(lines[1]["MONOTONIC_USEC=".Length..]);
        Assert.InRange(usec, before, Posix.MonotonicMicroseconds());
    }

    [Fact]
    public void WatchdogStatusAndExtendTimeoutUseSystemdsNames()
    {
        using var systemd = NotifySocket.AtPath();
        using var notifier = new SystemdNotifier(systemd.Address);

        notifier.Watchdog();
        notifier.Status("Bootstrapped");
        notifier.ExtendTimeout(TimeSpan.FromSeconds(60));

        Assert.Equal("WATCHDOG=1", systemd.Receive(Wait));
        Assert.Equal("STATUS=Bootstrapped", systemd.Receive(Wait));
        Assert.Equal("EXTEND_TIMEOUT_USEC=60000000", systemd.Receive(Wait));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("relative/notify")]
    [InlineData("@")]
    public void WithoutAUsableNotifySocketEveryCallIsANoOp(string? value)
    {
        using var notifier = new SystemdNotifier(value);

        Assert.False(notifier.IsEnabled);
        Assert.False(notifier.Ready());
        Assert.False(notifier.Watchdog());
    }

    [Fact]
    public void ASocketNobodyListensOnFailsQuietly()
    {
        string path = Path.Combine(Path.GetTempPath(), "torrelay-nobody-" + Guid.NewGuid().ToString("N"));
        using var notifier = new SystemdNotifier(path);

        Assert.True(notifier.IsEnabled);
        Assert.False(notifier.Ready());
    }

    [Fact]
    public void APathTooLongForSockaddrUnIsRejected()
    {
        Assert.False(SystemdNotifier.TryParseAddress("/" + new string('a', 107), out _));
        Assert.True(SystemdNotifier.TryParseAddress("/" + new string('a', 106), out _));
    }
}
