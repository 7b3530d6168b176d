namespace TorRelay.Host.Signals;

/// <summary>
/// Work done on SIGHUP (tor's do_hup: re-read the torrc and apply it). An exception fails the reload, and the relay
/// then exits with status 1, as tor does when its configuration no longer loads.
/// </summary>
public interface IReloadHandler
{
    Task ReloadAsync(CancellationToken cancellationToken);
}
