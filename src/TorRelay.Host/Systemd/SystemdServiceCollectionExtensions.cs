using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace TorRelay.Host.Systemd;

public static class SystemdServiceCollectionExtensions
{
    /// <summary>
    /// sd_notify support from $NOTIFY_SOCKET and $WATCHDOG_USEC: a <see cref="SystemdNotifier"/>, the
    /// <see cref="ServiceReadiness"/> the relay reports to, and the <see cref="SystemdNotifyService"/>.
    /// </summary>
    public static IServiceCollection AddSystemdNotify(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(_ => SystemdNotifier.FromEnvironment());
        services.TryAddSingleton<ServiceReadiness>();
        services.AddHostedService(sp => new SystemdNotifyService(
            sp.GetRequiredService<SystemdNotifier>(),
            sp.GetRequiredService<ServiceReadiness>(),
            sp.GetRequiredService<IHostApplicationLifetime>(),
            sp.GetRequiredService<ILogger<SystemdNotifyService>>(),
            sp.GetRequiredService<TimeProvider>(),
            WatchdogSettings.FromEnvironment()));
        return services;
    }
}
