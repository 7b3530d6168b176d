using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TorRelay.Host.Systemd;

namespace TorRelay.Host.Signals;

/// <summary>
/// tor's process_signal for a relay: SIGTERM exits at once; the first SIGINT stops accepting connections and exits
/// after ShutdownWaitLength (a second SIGINT exits at once); SIGHUP runs the <see cref="IReloadHandler"/>s between
/// RELOADING=1 and READY=1, and a failed reload exits with status 1.
/// </summary>
public sealed partial class RelaySignalHandler : IDisposable
{
    /// <summary>tor asks systemd for ShutdownWaitLength plus this much to finish exiting.</summary>
    public static readonly TimeSpan ExitMargin = TimeSpan.FromSeconds(30);

    private readonly TimeSpan _shutdownWaitLength;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly SystemdNotifier _notifier;
    private readonly IReadOnlyList<IReloadHandler> _reloaders;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly Action<int> _setExitCode;
    private readonly SemaphoreSlim _reloadGate = new(1, 1);
    private readonly Lock _gate = new();
    private ITimer? _shutdownTimer;
    private bool _exiting;

    public RelaySignalHandler(TimeSpan shutdownWaitLength, IHostApplicationLifetime lifetime, SystemdNotifier notifier,
        IEnumerable<IReloadHandler> reloaders, TimeProvider time, ILogger<RelaySignalHandler> log,
        Action<int>? setExitCode = null)
    {
        _shutdownWaitLength = shutdownWaitLength < TimeSpan.Zero ? TimeSpan.Zero : shutdownWaitLength;
        _lifetime = lifetime;
        _notifier = notifier;
        _reloaders = reloaders.ToList();
        _time = time;
        _log = log;
        _setExitCode = setExitCode ?? (code => Environment.ExitCode = code);
    }

    /// <summary>
    /// Raised once, on the first SIGINT, with the time left before exit: the relay should close its listeners
    /// (tor's connection_mark_all_noncontrol_listeners) and let open channels drain.
    /// </summary>
    public event Action<TimeSpan>? GracefulShutdownStarted;

    /// <summary>The reload started by the latest SIGHUP (completed when none ran).</summary>
    public Task LastReload { get; private set; } = Task.CompletedTask;

    /// <summary>Acts on a signal; called on the runtime's signal thread, so it never blocks.</summary>
    public void Handle(PosixSignal signal)
    {
        switch (signal)
        {
            case PosixSignal.SIGTERM:
                LogTerminate(_log);
                _lifetime.StopApplication();
                break;
            case PosixSignal.SIGINT:
                Interrupt();
                break;
            case PosixSignal.SIGHUP:
                LastReload = ReloadAsync();
                break;
        }
    }

    private void Interrupt()
    {
        lock (_gate)
        {
            if (_exiting)
            {
                LogSecondInterrupt(_log);
                _lifetime.StopApplication();
                return;
            }
            _exiting = true;
            int seconds = (int)Math.Ceiling(_shutdownWaitLength.TotalSeconds);
            LogInterrupt(_log, seconds);
            _notifier.Stopping($"Shutting down in {seconds} seconds");
            _notifier.ExtendTimeout(_shutdownWaitLength + ExitMargin);
            if (_shutdownWaitLength == TimeSpan.Zero)
            {
                _lifetime.StopApplication();
                return;
            }
            _shutdownTimer = _time.CreateTimer(_ => _lifetime.StopApplication(), null, _shutdownWaitLength,
                Timeout.InfiniteTimeSpan);
        }
        GracefulShutdownStarted?.Invoke(_shutdownWaitLength);
    }

    /// <summary>One reload at a time; a SIGHUP during a reload runs another after it.</summary>
    public async Task ReloadAsync()
    {
        await _reloadGate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_lifetime.ApplicationStopping.IsCancellationRequested) return;
            LogHangup(_log);
            _notifier.Reloading("Reloading configuration");
            foreach (var reloader in _reloaders)
                await reloader.ReloadAsync(_lifetime.ApplicationStopping).ConfigureAwait(false);
            _notifier.Ready("Configuration reloaded");
        }
        catch (OperationCanceledException) when (_lifetime.ApplicationStopping.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            LogReloadFailed(_log, e.Message);
            _setExitCode(1);
            _lifetime.StopApplication();
        }
        finally
        {
            _reloadGate.Release();
        }
    }

    public void Dispose()
    {
        lock (_gate) _shutdownTimer?.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Catching signal TERM, exiting cleanly.")]
    private static partial void LogTerminate(ILogger log);

    [LoggerMessage(Level = LogLevel.Information, Message =
        "Interrupt: we have stopped accepting new connections, and will shut down in {Seconds} seconds. Interrupt again to exit now.")]
    private static partial void LogInterrupt(ILogger log, int seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "SIGINT received a second time; exiting now.")]
    private static partial void LogSecondInterrupt(ILogger log);

    [LoggerMessage(Level = LogLevel.Information, Message =
        "Received reload signal (hup). Reloading config and resetting internal state.")]
    private static partial void LogHangup(ILogger log);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Restart failed (config error?). Exiting. {Reason}")]
    private static partial void LogReloadFailed(ILogger log, string reason);
}
