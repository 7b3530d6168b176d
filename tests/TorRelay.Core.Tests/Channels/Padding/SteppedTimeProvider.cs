namespace TorRelay.Core.Tests.Channels.Padding;

/// <summary>
/// A clock in milliseconds whose timers never fire by themselves: the test reads when the next one is due and fires
/// it with <see cref="FireTimer"/>, so nothing depends on real time. A periodic timer is due again a period later.
/// </summary>
internal sealed class SteppedTimeProvider : TimeProvider
{
    private long _ms = 10_000;
    private readonly List<StepTimer> _timers = new();

    public override long TimestampFrequency => 1000;
    public override long GetTimestamp() => _ms;
    public override DateTimeOffset GetUtcNow() => DateTimeOffset.UnixEpoch.AddMilliseconds(_ms);

    /// <summary>Every timer made, in order.</summary>
    public IReadOnlyList<StepTimer> Timers => _timers;

    /// <summary>Timers that will fire if the clock moves on far enough.</summary>
    public IEnumerable<StepTimer> ArmedTimers => _timers.Where(t => t.DueAtMs is not null);

    /// <summary>When the next timer is due; null when none is armed.</summary>
    public long? NextDueAtMs => ArmedTimers.Min(t => t.DueAtMs);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new StepTimer(this, callback, state);
        _timers.Add(timer);
        timer.Change(dueTime, period);
        return timer;
    }

    public void Advance(int ms) => _ms += ms;

    /// <summary>Moves the clock to the earliest due time and runs that timer's callback.</summary>
    public void FireTimer()
    {
        var t = ArmedTimers.MinBy(t => t.DueAtMs) ?? throw new InvalidOperationException("no timer armed");
        Fire(t);
    }

    /// <summary>Moves the clock to <paramref name="t"/>'s due time (if later) and runs its callback.</summary>
    public void Fire(StepTimer t)
    {
        long due = t.DueAtMs ?? throw new InvalidOperationException("timer not armed");
        _ms = Math.Max(_ms, due);
        t.DueAtMs = t.PeriodMs is { } period ? due + period : null;
        t.Callback(t.State);
    }

    internal sealed class StepTimer(SteppedTimeProvider clock, TimerCallback callback, object? state) : ITimer
    {
        public TimerCallback Callback { get; } = callback;
        public object? State { get; } = state;
        public long? DueAtMs { get; set; }
        public long? PeriodMs { get; private set; }
        public bool Disposed { get; private set; }

        /// <summary>Milliseconds from now until due; null when not armed.</summary>
        public long? DueInMs => DueAtMs - clock.GetTimestamp();

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            DueAtMs = dueTime == Timeout.InfiniteTimeSpan ? null : clock.GetTimestamp() + (long)dueTime.TotalMilliseconds;
            PeriodMs = period == Timeout.InfiniteTimeSpan || period == TimeSpan.Zero ? null : (long)period.TotalMilliseconds;
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
