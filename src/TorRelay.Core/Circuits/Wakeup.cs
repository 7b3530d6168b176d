namespace TorRelay.Core.Circuits;

/// <summary>
/// Wakes tasks waiting for a condition guarded by the owner's lock (room in a window, an XON): a waiter takes
/// <see cref="Task"/> under that lock after finding the condition false, and re-checks it when woken.
/// </summary>
internal sealed class Wakeup
{
    private TaskCompletionSource? _waiter;

    /// <summary>Completes at the next <see cref="Wake"/>. Call under the owner's lock.</summary>
    public Task Task => (_waiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <summary>Releases every current waiter; callable outside the lock.</summary>
    public void Wake() => Interlocked.Exchange(ref _waiter, null)?.TrySetResult();
}
