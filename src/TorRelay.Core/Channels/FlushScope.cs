using System.Runtime.CompilerServices;

namespace TorRelay.Core.Channels;

/// <summary>
/// The channels a read loop queued cells on while it handled one batch of received cells. Their writers run once, at
/// the end of the batch and on the reader's own thread, instead of each being woken on the thread pool as cells arrive:
/// a forwarded cell then goes from socket to socket without changing threads, and every channel written to gets one
/// TLS write and one socket send per batch (C tor's cells-then-flush per read event, but on every core at once).
/// </summary>
/// <remarks>
/// A scope is current on one thread only between <see cref="Enter"/> and <see cref="Exit"/>, which the read loop calls
/// around synchronous work: before it awaits anything that did not complete, it exits (flushing what it queued so far),
/// and it enters again on the thread it resumes on (<see cref="AwaitOutside(ValueTask)"/>). Code that runs inline inside
/// another reader's scope simply joins it; that reader flushes.
/// </remarks>
internal sealed class FlushScope
{
    [ThreadStatic] private static FlushScope? t_current;

    private readonly List<Channel> _channels = new(4);

    /// <summary>The scope of the read loop running on this thread, if any.</summary>
    public static FlushScope? Current => t_current;

    /// <summary>Makes this scope current on this thread, unless another one already is.</summary>
    public void Enter() => t_current ??= this;

    /// <summary>Remembers a channel that has cells to write at the end of the batch.</summary>
    public void Add(Channel channel)
    {
        if (!_channels.Contains(channel)) _channels.Add(channel);
    }

    /// <summary>
    /// Awaits <paramref name="pending"/> outside this scope: one that has not completed makes the scope exit first, and
    /// the scope is entered again in the awaiter's GetResult, which runs in the caller's own continuation, so on the
    /// thread the caller resumed on. (An async helper that entered again after its own await would not do: when it
    /// finishes while its caller is still registering its continuation, the runtime queues the caller's continuation to
    /// the thread pool, and the scope stays current on the helper's thread, where later cells join a scope nobody
    /// flushes. That race left cells unwritten under load.)
    /// </summary>
    public OutsideAwaitable AwaitOutside(ValueTask pending) => new(this, pending);

    /// <inheritdoc cref="AwaitOutside(ValueTask)"/>
    public OutsideAwaitable<T> AwaitOutside<T>(ValueTask<T> pending) => new(this, pending);

    public readonly struct OutsideAwaitable(FlushScope scope, ValueTask pending) : ICriticalNotifyCompletion
    {
        public OutsideAwaitable GetAwaiter() => this;
        public bool IsCompleted => pending.IsCompleted;

        public void OnCompleted(Action continuation)
        {
            scope.Exit();
            pending.ConfigureAwait(false).GetAwaiter().OnCompleted(continuation);
        }

        public void UnsafeOnCompleted(Action continuation)
        {
            scope.Exit();
            pending.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(continuation);
        }

        public void GetResult()
        {
            scope.Enter();
            pending.GetAwaiter().GetResult();
        }
    }

    /// <inheritdoc cref="OutsideAwaitable"/>
    public readonly struct OutsideAwaitable<T>(FlushScope scope, ValueTask<T> pending) : ICriticalNotifyCompletion
    {
        public OutsideAwaitable<T> GetAwaiter() => this;
        public bool IsCompleted => pending.IsCompleted;

        public void OnCompleted(Action continuation)
        {
            scope.Exit();
            pending.ConfigureAwait(false).GetAwaiter().OnCompleted(continuation);
        }

        public void UnsafeOnCompleted(Action continuation)
        {
            scope.Exit();
            pending.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(continuation);
        }

        public T GetResult()
        {
            scope.Enter();
            return pending.GetAwaiter().GetResult();
        }
    }

    /// <summary>Stops being current and starts the writers of the channels queued to.</summary>
    public void Exit()
    {
        if (t_current == this) t_current = null;
        for (int i = 0; i < _channels.Count; i++) _channels[i].WriteDeferred();
        _channels.Clear();
    }
}
