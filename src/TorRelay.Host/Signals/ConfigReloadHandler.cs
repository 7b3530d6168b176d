using Microsoft.Extensions.Logging;
using TorRelay.Host.Config;

namespace TorRelay.Host.Signals;

/// <summary>
/// Re-reads the configuration on SIGHUP through <c>load</c> (the start-up loader: defaults torrc, torrc, command
/// line) and hands the result to <see cref="Reloaded"/>; what a new configuration changes is up to its subscribers.
/// A <see cref="ConfigException"/> from <c>load</c> fails the reload.
/// </summary>
public sealed partial class ConfigReloadHandler(Func<RelayOptions> load, ILogger<ConfigReloadHandler> log) : IReloadHandler
{
    /// <summary>Raised with each configuration that loaded; the handler's thread is the reload's, not the signal's.</summary>
    public event Action<RelayOptions>? Reloaded;

    public Task ReloadAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var options = load();
        LogLoaded(log, options.Nickname);
        Reloaded?.Invoke(options);
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Configuration re-read (Nickname {Nickname}).")]
    private static partial void LogLoaded(ILogger log, string nickname);
}
