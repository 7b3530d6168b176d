using System.Net;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using TorRelay.Host.Systemd;

namespace TorRelay.Deploy.Tests;

public class SystemdNotifyServiceTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    private static SystemdNotifyService Create(SystemdNotifier notifier, ServiceReadiness readiness,
        ApplicationLifetime lifetime, TimeSpan? watchdog = null) =>
        new(notifier, readiness, lifetime, NullLogger<SystemdNotifyService>.Instance, TimeProvider.System, watchdog);

    [Fact]
    public async Task ReadyIsSentOnlyOnceTheRelayReportsItsListeners()
    {
        using var systemd = NotifySocket.AtPath();
        using var notifier = new SystemdNotifier(systemd.Address);
        var readiness = new ServiceReadiness();
        var lifetime = new ApplicationLifetime(NullLogger<ApplicationLifetime>.Instance);
        using var service = Create(notifier, readiness, lifetime);

        await service.StartAsync(CancellationToken.None);
        Assert.Null(systemd.Receive(TimeSpan.FromMilliseconds(300)));

        readiness.ReportListening([new IPEndPoint(IPAddress.Loopback, 9001), new IPEndPoint(IPAddress.IPv6Any, 9001)]);
        Assert.Equal("READY=1\nSTATUS=Listening on ORPort 127.0.0.1:9001, [::]:9001", systemd.Receive(Wait));

        await service.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task StoppingIsSentWhenTheHostBeginsToStop()
    {
        using var systemd = NotifySocket.AtPath();
        using var notifier = new SystemdNotifier(systemd.Address);
        var lifetime = new ApplicationLifetime(NullLogger<ApplicationLifetime>.Instance);
        using var service = Create(notifier, new ServiceReadiness(), lifetime);
        await service.StartAsync(CancellationToken.None);

        lifetime.StopApplication();

        Assert.Equal("STOPPING=1\nSTATUS=Shutting down", systemd.Receive(Wait));
        await service.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task WatchdogKeepAlivesRepeatAtHalfTheInterval()
    {
        using var systemd = NotifySocket.AtPath();
        using var notifier = new SystemdNotifier(systemd.Address);
        var lifetime = new ApplicationLifetime(NullLogger<ApplicationLifetime>.Instance);
        using var service = Create(notifier, new ServiceReadiness(), lifetime, TimeSpan.FromMilliseconds(400));

        await service.StartAsync(CancellationToken.None);
        var started = DateTime.UtcNow;
        Assert.Equal("WATCHDOG=1", systemd.Receive(Wait));
        Assert.Equal("WATCHDOG=1", systemd.Receive(Wait));
        Assert.Equal("WATCHDOG=1", systemd.Receive(Wait));
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromMilliseconds(350));

        await service.StopAsync(CancellationToken.None);
        while (systemd.Receive(TimeSpan.FromMilliseconds(50)) is not null) { }
        Assert.Null(systemd.Receive(TimeSpan.FromMilliseconds(500)));
    }

    [Fact]
    public async Task WithoutNotifySocketTheServiceStartsAndStopsSilently()
    {
        using var notifier = new SystemdNotifier(null);
        var readiness = new ServiceReadiness();
        var lifetime = new ApplicationLifetime(NullLogger<ApplicationLifetime>.Instance);
        using var service = Create(notifier, readiness, lifetime, TimeSpan.FromMilliseconds(100));

        await service.StartAsync(CancellationToken.None);
        readiness.ReportListening([]);
        lifetime.StopApplication();
        await service.StopAsync(CancellationToken.None);

        Assert.True(readiness.Listening.IsCompleted);
    }
}
