namespace TorRelay.Core.Channels;

/// <summary>
/// C tor's cell-count EWMA (circuitmux_ewma.c): a cell sent now weighs 1 and its weight halves every
/// CircuitPriorityHalflife, so a circuit's count says how busy it has been lately and the quietest circuit is sent
/// first. Time is cut into ticks (CircuitPriorityTickSecs); counts are rescaled when the tick changes and a cell sent
/// part-way through a tick is weighted up to the tick's start, so rescaling is rare and keeps the queue order. One
/// instance is shared by every channel; the halflife follows the consensus, hence its setter.
/// </summary>
public sealed class EwmaPolicy
{
    /// <summary>Consensus CircuitPriorityHalflifeMsec default (CMUX_PRIORITY_HALFLIFE_MSEC_DEFAULT).</summary>
    public static readonly TimeSpan DefaultHalflife = TimeSpan.FromMilliseconds(30000);

    /// <summary>Consensus CircuitPriorityTickSecs default (EWMA_TICK_LEN_DEFAULT).</summary>
    public static readonly TimeSpan DefaultTickLength = TimeSpan.FromSeconds(10);

    private readonly TimeProvider _time;
    private readonly long _start;
    private readonly long _tickUnits;
    private double _scaleFactor;

    public EwmaPolicy(TimeProvider time, TimeSpan? halflife = null, TimeSpan? tickLength = null)
    {
        _time = time;
        _start = time.GetTimestamp();
        TickLength = tickLength is { } t && t >= TimeSpan.FromSeconds(1) && t <= TimeSpan.FromSeconds(600) ? t : DefaultTickLength;
        _tickUnits = (long)(TickLength.TotalSeconds * time.TimestampFrequency);
        SetHalflife(halflife ?? DefaultHalflife);
    }

    public TimeProvider Time => _time;
    public TimeSpan TickLength { get; }
    public TimeSpan Halflife { get; private set; }

    /// <summary>The weight a cell loses per tick: 0.5 ^ (tick / halflife).</summary>
    public double ScaleFactor => Volatile.Read(ref _scaleFactor);

    /// <summary>Adopts a new halflife (torrc CircuitPriorityHalflife or the consensus); one not above zero means the default, as in C tor.</summary>
    public void SetHalflife(TimeSpan halflife)
    {
        if (halflife <= TimeSpan.Zero) halflife = DefaultHalflife;
        Halflife = halflife;
        Volatile.Write(ref _scaleFactor, Math.Exp(Math.Log(0.5) / (halflife.TotalSeconds / TickLength.TotalSeconds)));
    }

    /// <summary>The current tick and what one cell sent now adds to a count kept relative to that tick's start.</summary>
    internal EwmaClock Now()
    {
        long elapsed = _time.GetTimestamp() - _start;
        long tick = elapsed / _tickUnits;
        double fraction = (double)(elapsed - tick * _tickUnits) / _tickUnits;
        return new EwmaClock((uint)tick, Math.Pow(ScaleFactor, -fraction));
    }

    /// <summary>Converts a count kept relative to <paramref name="from"/> to one relative to <paramref name="to"/>.</summary>
    internal double Rescale(uint from, uint to) => from == to ? 1.0 : Math.Pow(ScaleFactor, (int)(to - from));
}

/// <summary>A tick number and the weight of one cell sent at this moment of it.</summary>
internal readonly record struct EwmaClock(uint Tick, double CellWeight);
