using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;

namespace TorRelay.Host.Signals;

/// <summary>
/// The host's lifetime in place of ConsoleLifetime, whose SIGINT and SIGTERM handlers would stop the host at once:
/// SIGHUP, SIGINT and SIGTERM all go to <see cref="RelaySignalHandler"/>, with the runtime's default action cancelled.
/// </summary>
public sealed class RelayHostLifetime(RelaySignalHandler handler) : IHostLifetime, IDisposable
{
    private static readonly PosixSignal[] Handled = [PosixSignal.SIGHUP, PosixSignal.SIGINT, PosixSignal.SIGTERM];
    private readonly List<PosixSignalRegistration> _registrations = new();

    public Task WaitForStartAsync(CancellationToken cancellationToken)
    {
        lock (_registrations)
        {
            if (_registrations.Count == 0)
                foreach (var signal in Handled)
                    _registrations.Add(PosixSignalRegistration.Create(signal, OnSignal));
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true;
        handler.Handle(context.Signal);
    }

    public void Dispose()
    {
        lock (_registrations)
        {
            foreach (var registration in _registrations) registration.Dispose();
            _registrations.Clear();
        }
    }
}
