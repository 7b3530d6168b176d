using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using TorRelay.Host.Signals;
using TorRelay.Host.Systemd;

namespace TorRelay.Deploy.Tests;

public sealed class RelaySignalHandlerTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);
    private readonly NotifySocket _systemd = NotifySocket.AtPath();
    private readonly SystemdNotifier _notifier;
    private readonly ApplicationLifetime _lifetime = new(NullLogger<ApplicationLifetime>.Instance);
    private int? _exitCode;

    public RelaySignalHandlerTests() => _notifier = new SystemdNotifier(_systemd.Address);

    private RelaySignalHandler Create(TimeSpan shutdownWaitLength, params IReloadHandler[] reloaders) =>
        new(shutdownWaitLength, _lifetime, _notifier, reloaders, TimeProvider.System,
            NullLogger<RelaySignalHandler>.Instance, code => _exitCode = code);

    private bool Stopped => _lifetime.ApplicationStopping.IsCancellationRequested;

    [Fact]
    public void SigtermStopsAtOnce()
    {
        using var handler = Create(TimeSpan.FromSeconds(30));

        handler.Handle(PosixSignal.SIGTERM);

        Assert.True(Stopped);
        Assert.Null(_exitCode);
    }

    [Fact]
    public async Task SigintStopsOnlyAfterShutdownWaitLength()
    {
        using var handler = Create(TimeSpan.FromMilliseconds(600));
        TimeSpan? announced = null;
        handler.GracefulShutdownStarted += wait => announced = wait;
        var started = DateTime.UtcNow;

        handler.Handle(PosixSignal.SIGINT);

        Assert.False(Stopped);
        Assert.Equal(TimeSpan.FromMilliseconds(600), announced);
        Assert.Equal("STOPPING=1\nSTATUS=Shutting down in 1 seconds", _systemd.Receive(Wait));
        // tor asks systemd for ShutdownWaitLength + 30 s more.
        Assert.Equal("EXTEND_TIMEOUT_USEC=30600000", _systemd.Receive(Wait));
        await WaitUntil(() => Stopped, Wait);
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromMilliseconds(550));
    }

    [Fact]
    public void ASecondSigintStopsAtOnce()
    {
        using var handler = Create(TimeSpan.FromSeconds(30));
        int announcements = 0;
        handler.GracefulShutdownStarted += _ => announcements++;

        handler.Handle(PosixSignal.SIGINT);
        Assert.False(Stopped);
        handler.Handle(PosixSignal.SIGINT);

        Assert.True(Stopped);
        Assert.Equal(1, announcements);
    }

    [Fact]
    public void SigintWithZeroShutdownWaitLengthStopsAtOnce()
    {
        using var handler = Create(TimeSpan.Zero);

        handler.Handle(PosixSignal.SIGINT);

        Assert.True(Stopped);
    }

    [Fact]
    public async Task SighupRunsTheReloadHandlersBetweenReloadingAndReady()
    {
        var order = new List<string>();
        var reloader = new RecordingReloader(() =>
        {
            order.Add("reload:" + _systemd.Receive(Wait)!.Split('\n')[0]);
        });
        using var handler = Create(TimeSpan.FromSeconds(30), reloader);

        handler.Handle(PosixSignal.SIGHUP);
        await handler.LastReload.WaitAsync(Wait);
        order.Add(_systemd.Receive(Wait)!);

        Assert.Equal(["reload:RELOADING=1", "READY=1\nSTATUS=Configuration reloaded"], order);
        Assert.False(Stopped);
        Assert.Null(_exitCode);
    }

    [Fact]
    public async Task AFailedReloadExitsWithStatusOneAsTor()
    {
        using var handler = Create(TimeSpan.FromSeconds(30), new RecordingReloader(() => throw new InvalidOperationException("bad torrc")));

        handler.Handle(PosixSignal.SIGHUP);
        await handler.LastReload.WaitAsync(Wait);

        Assert.True(Stopped);
        Assert.Equal(1, _exitCode);
        Assert.StartsWith("RELOADING=1", _systemd.Receive(Wait));
        Assert.DoesNotContain("READY=1", _systemd.Receive(TimeSpan.FromMilliseconds(200)) ?? "");
    }

    [Fact]
    public async Task ReloadsRunOneAtATime()
    {
        int running = 0, maxRunning = 0, runs = 0;
        var reloader = new RecordingReloader(() =>
        {
            int now = Interlocked.Increment(ref running);
            maxRunning = Math.Max(maxRunning, now);
            Thread.Sleep(100);
            Interlocked.Decrement(ref running);
            Interlocked.Increment(ref runs);
        });
        using var handler = Create(TimeSpan.FromSeconds(30), reloader);

        var reloads = Enumerable.Range(0, 3).Select(_ => Task.Run(handler.ReloadAsync)).ToArray();
        await Task.WhenAll(reloads).WaitAsync(Wait);

        Assert.Equal(3, runs);
        Assert.Equal(1, maxRunning);
    }

    private static async Task WaitUntil(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition() && DateTime.UtcNow < deadline) await Task.Delay(20);
    }

    private sealed class RecordingReloader(Action onReload) : IReloadHandler
    {
        public Task ReloadAsync(CancellationToken cancellationToken)
        {
            onReload();
            return Task.CompletedTask;
        }
    }

    public void Dispose()
    {
        _notifier.Dispose();
        _systemd.Dispose();
    }
}
