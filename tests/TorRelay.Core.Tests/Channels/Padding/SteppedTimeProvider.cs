namespace TorRelay.Core.Tests.Channels.Padding;

/// <summary>
/// A clock in milliseconds whose timers never fire by themselves: the test reads when the one timer is due and
/// fires it with <see cref="FireTimer"/>, so nothing depends on real time.
/// </summary>
internal sealed class SteppedTimeProvider : TimeProvider
{
    private long _ms = 10_000;

    public override long TimestampFrequency => 1000;
    public override long GetTimestamp() => _ms;
    public override DateTimeOffset GetUtcNow() => DateTimeOffset.UnixEpoch.AddMilliseconds(_ms);

    public StepTimer? Timer { get; private set; }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        Timer = new StepTimer(this, callback, state);
        Timer.Change(dueTime, period);
        return Timer;
    }

    public void Advance(int ms) => _ms += ms;

    /// <summary>Moves the clock to the timer's due time and runs its callback.</summary>
    public void FireTimer()
    {
        var t = Timer ?? throw new InvalidOperationException("no timer");
        long due = t.DueAtMs ?? throw new InvalidOperationException("timer not armed");
        _ms = Math.Max(_ms, due);
        t.DueAtMs = null;
        t.Callback(t.State);
    }

    internal sealed class StepTimer(SteppedTimeProvider clock, TimerCallback callback, object? state) : ITimer
    {
        public TimerCallback Callback { get; } = callback;
        public object? State { get; } = state;
        public long? DueAtMs { get; set; }
        public bool Disposed { get; private set; }

        /// <summary>Milliseconds from now until due; null when not armed.</summary>
        public long? DueInMs => DueAtMs - clock.GetTimestamp();

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            DueAtMs = dueTime == Timeout.InfiniteTimeSpan ? null : clock.GetTimestamp() + (long)dueTime.TotalMilliseconds;
            return true;
        }

        public void Dispose()
        {
            Disposed = true;
            DueAtMs = null;
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
