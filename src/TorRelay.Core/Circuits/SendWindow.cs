namespace TorRelay.Core.Circuits;

/// <summary>
/// A package window (tor-spec §7.3/7.4): how many DATA cells we may still send before a SENDME. Senders wait when it
/// is empty; a SENDME adds the increment back. Circuits with congestion control use <see cref="CircuitCongestion"/>.
/// </summary>
public sealed class SendWindow(int initial, int increment)
{
    private readonly object _gate = new();
    private readonly Wakeup _replenished = new();
    private readonly int _initial = initial;
    private int _available = initial;

    public int Available
    {
        get { lock (_gate) return _available; }
    }

    /// <summary>Waits until at least one cell may be sent, then takes it.</summary>
    public async ValueTask TakeAsync(CancellationToken ct)
    {
        while (true)
        {
            Task wait;
            lock (_gate)
            {
                if (_available > 0)
                {
                    _available--;
                    return;
                }
                wait = _replenished.Task;
            }
            await wait.WaitAsync(ct).ConfigureAwait(false);
        }
    }

    /// <summary>A SENDME arrived. False if it would overflow the window (a protocol violation).</summary>
    public bool Replenish()
    {
        lock (_gate)
        {
            if (_available + increment > _initial) return false;
            _available += increment;
        }
        _replenished.Wake();
        return true;
    }

    /// <summary>Wakes waiters for good (the circuit or stream is gone).</summary>
    public void Cancel()
    {
        lock (_gate) _available = int.MaxValue / 2;
        _replenished.Wake();
    }
}
