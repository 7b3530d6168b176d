using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TorRelay.Host.Signals;
using TorRelay.Host.Systemd;
using TorRelay.Relay;

namespace TorRelay.Host;

/// <summary>Runs the relay role for the lifetime of the host; a failure to start stops the process with exit code 1.</summary>
public sealed partial class RelayHostedService(RelaySettings settings, ILoggerFactory loggers, IHostApplicationLifetime lifetime,
    ServiceReadiness readiness, RelaySignalHandler signals, IReloadHandler reload) : BackgroundService
{
    private readonly ILogger _log = loggers.CreateLogger("TorRelay.Host");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await using var node = new RelayNode(settings, TimeProvider.System, loggers);
        node.Listening += readiness.ReportListening;
        signals.GracefulShutdownStarted += wait => { _ = node.StopListeningAsync(); };
        if (reload is ConfigReloadHandler config)
            config.Reloaded += options => node.ApplyReload(RelaySettingsMapper.Map(options, new List<string>()));
        try
        {
            await node.RunAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            LogFatal(_log, e.Message);
            Environment.ExitCode = 1;
            lifetime.StopApplication();
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Relay stopped: {Reason}")]
    private static partial void LogFatal(ILogger log, string reason);
}
