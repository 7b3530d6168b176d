namespace TorRelay.Core.Circuits;

/// <summary>
/// Wakes tasks waiting for a condition guarded by the owner's lock (room in a window, an XON): a waiter takes
/// <see cref="Task"/> under that lock after finding the condition false, and re-checks it when woken.
/// </summary>
/// <remarks>
/// Waiters resume inline, on the thread that calls <see cref="Wake"/>, so it must be called outside every lock. A
/// SENDME handled by a channel's read loop thus resumes the stream senders it unblocks right there, and the cells they
/// package join that read loop's flush scope (C tor packages from a stream's buffer as it handles the SENDME). Resumed
/// on the thread pool instead, each SENDME cost a thread wake-up, and the exit's packaging ran on pool threads.
/// </remarks>
internal sealed class Wakeup
{
    private TaskCompletionSource? _waiter;

    /// <summary>Completes at the next <see cref="Wake"/>. Call under the owner's lock.</summary>
    public Task Task => (_waiter ??= new TaskCompletionSource()).Task;

    /// <summary>Releases every current waiter, running their continuations on this thread; call outside the lock.</summary>
    public void Wake() => Interlocked.Exchange(ref _waiter, null)?.TrySetResult();
}
