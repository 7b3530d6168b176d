using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TorRelay.Host.Config;

namespace TorRelay.Host.Logging;

/// <summary>Wires tor-style logging into Microsoft.Extensions.Logging from a loaded configuration.</summary>
public static class TorLoggingBuilderExtensions
{
    /// <summary>Replaces other providers with one writing to the configuration's Log sinks.</summary>
    public static ILoggingBuilder AddTorLogging(this ILoggingBuilder builder, RelayOptions options,
        TorLoggerOptions? loggerOptions = null)
    {
        var provider = new TorLoggerProvider(options.Logs, (loggerOptions ?? new TorLoggerOptions()) with
        {
            MessageDomains = options.LogMessageDomains,
            TimeGranularity = options.LogTimeGranularity,
        });
        builder.ClearProviders();
        builder.SetMinimumLevel(provider.MinimumLevel);
        builder.Services.AddSingleton<ILoggerProvider>(provider);
        return builder;
    }
}
