using System.Collections.Concurrent;

namespace TorRelay.Core.Channels.Padding;

/// <summary>
/// The once-a-second look at every channel's padding: C tor's housekeeping callback runs
/// channelpadding_decide_to_pad_channel for each channel from one timer, and so do we, so a relay with thousands of
/// idle client channels wakes once a second rather than once per channel per second. A channel whose padding falls due
/// before the next look arms a timer of its own for the exact time (<see cref="ChannelPadding"/>), as C tor schedules
/// its padding timers. The timer runs only while some channel is registered.
/// </summary>
internal sealed class PaddingHousekeeping(TimeProvider time)
{
    private readonly ConcurrentDictionary<ChannelPadding, byte> _channels = new();
    private readonly object _gate = new();
    private ITimer? _timer;

    /// <summary>Channels looked at each tick.</summary>
    public int Count => _channels.Count;

    public void Add(ChannelPadding padding)
    {
        lock (_gate)
        {
            _channels.TryAdd(padding, 0);
            _timer ??= time.CreateTimer(static s => ((PaddingHousekeeping)s!).Tick(), this, ChannelPadding.CheckInterval,
                ChannelPadding.CheckInterval);
        }
    }

    public void Remove(ChannelPadding padding)
    {
        lock (_gate)
        {
            if (!_channels.TryRemove(padding, out _) || !_channels.IsEmpty) return;
            _timer?.Dispose();
            _timer = null;
        }
    }

    private void Tick()
    {
        foreach (var entry in _channels) entry.Key.OnHousekeepingTick();
    }
}
