using Microsoft.Extensions.Hosting;
using TorRelay.Metrics;

namespace TorRelay.Host;

/// <summary>Runs the MetricsPort for the lifetime of the host.</summary>
public sealed class MetricsPortHostedService(MetricsPortServer server) : IHostedService, IAsyncDisposable
{
    public Task StartAsync(CancellationToken cancellationToken) => server.StartAsync(cancellationToken);
    public Task StopAsync(CancellationToken cancellationToken) => server.StopAsync(cancellationToken);
    public ValueTask DisposeAsync() => server.DisposeAsync();
}
