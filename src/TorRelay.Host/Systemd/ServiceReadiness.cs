using System.Net;

namespace TorRelay.Host.Systemd;

/// <summary>
/// The moment the relay accepts connections on its ORPorts, reported once by the relay role and awaited by
/// <see cref="SystemdNotifyService"/> to send READY=1 (tor signals readiness only after opening its listeners).
/// </summary>
public sealed class ServiceReadiness
{
    private readonly TaskCompletionSource<IReadOnlyList<IPEndPoint>> _listening =
        new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes with the bound ORPort addresses on the first <see cref="ReportListening"/>.</summary>
    public Task<IReadOnlyList<IPEndPoint>> Listening => _listening.Task;

    /// <summary>Later calls are ignored: readiness is announced once per process.</summary>
    public void ReportListening(IReadOnlyList<IPEndPoint> endpoints) => _listening.TrySetResult(endpoints);
}
