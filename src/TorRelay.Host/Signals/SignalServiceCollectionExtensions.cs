using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TorRelay.Host.Systemd;

namespace TorRelay.Host.Signals;

public static class SignalServiceCollectionExtensions
{
    /// <summary>
    /// tor's signal semantics for the host: <see cref="RelayHostLifetime"/> replaces ConsoleLifetime and hands
    /// SIGHUP/SIGINT/SIGTERM to a <see cref="RelaySignalHandler"/> that runs every registered
    /// <see cref="IReloadHandler"/> on SIGHUP and waits <paramref name="shutdownWaitLength"/> on SIGINT.
    /// </summary>
    public static IServiceCollection AddRelaySignals(this IServiceCollection services, TimeSpan shutdownWaitLength)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(_ => SystemdNotifier.FromEnvironment());
        services.AddSingleton(sp => new RelaySignalHandler(
            shutdownWaitLength,
            sp.GetRequiredService<IHostApplicationLifetime>(),
            sp.GetRequiredService<SystemdNotifier>(),
            sp.GetServices<IReloadHandler>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<RelaySignalHandler>>()));
        // Registered after the host's ConsoleLifetime, so this one is resolved.
        services.AddSingleton<IHostLifetime, RelayHostLifetime>();
        return services;
    }
}
