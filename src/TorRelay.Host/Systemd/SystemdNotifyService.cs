using System.Net;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace TorRelay.Host.Systemd;

/// <summary>
/// Tells systemd where the relay stands: READY=1 with the ORPorts once <see cref="ServiceReadiness"/> reports them
/// listening, STOPPING=1 when the host begins to stop, WATCHDOG=1 every half $WATCHDOG_USEC. Nothing without
/// $NOTIFY_SOCKET. (Reload and SIGINT notifications come from <see cref="Signals.RelaySignalHandler"/>.)
/// </summary>
public sealed partial class SystemdNotifyService : IHostedService, IDisposable
{
    private readonly SystemdNotifier _notifier;
    private readonly ServiceReadiness _readiness;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly ILogger _log;
    private readonly TimeProvider _time;
    private readonly TimeSpan? _watchdogInterval;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _loops = new();
    private CancellationTokenRegistration _onStopping;

    public SystemdNotifyService(SystemdNotifier notifier, ServiceReadiness readiness, IHostApplicationLifetime lifetime,
        ILogger<SystemdNotifyService> log, TimeProvider time, TimeSpan? watchdogInterval)
    {
        _notifier = notifier;
        _readiness = readiness;
        _lifetime = lifetime;
        _log = log;
        _time = time;
        _watchdogInterval = watchdogInterval;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!_notifier.IsEnabled)
        {
            LogNoSocket(_log);
            return Task.CompletedTask;
        }
        _onStopping = _lifetime.ApplicationStopping.Register(() => _notifier.Stopping("Shutting down"));
        _loops.Add(AnnounceReadyAsync(_stop.Token));
        if (_watchdogInterval is { } interval)
            _loops.Add(KeepAliveAsync(WatchdogSettings.KeepAlivePeriod(interval), _stop.Token));
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_loops).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task AnnounceReadyAsync(CancellationToken ct)
    {
        IReadOnlyList<IPEndPoint> endpoints;
        try
        {
            endpoints = await _readiness.Listening.WaitAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        string status = endpoints.Count == 0 ? "Running" : "Listening on ORPort " + string.Join(", ", endpoints);
        if (_notifier.Ready(status))
            LogReady(_log);
        else
            LogReadyFailed(_log);
    }

    private async Task KeepAliveAsync(TimeSpan period, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(period, _time);
        try
        {
            do
            {
                _notifier.Watchdog();
            } while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false));
        }
        catch (OperationCanceledException)
        {
        }
    }

    public void Dispose()
    {
        _onStopping.Dispose();
        _stop.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Systemd NOTIFY_SOCKET not present.")]
    private static partial void LogNoSocket(ILogger log);

    [LoggerMessage(Level = LogLevel.Information, Message = "Signaled readiness to systemd")]
    private static partial void LogReady(ILogger log);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Unable to send readiness to systemd")]
    private static partial void LogReadyFailed(ILogger log);
}
