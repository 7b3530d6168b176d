namespace TorRelay.Relay;

/// <summary>
/// Our observed bandwidth as C tor reports it in the descriptor's "bandwidth" line (rephist.c): the lesser of the
/// highest read rate and the highest write rate, each averaged over 10 seconds, over the last 24 hours.
/// Fed once per second with the running byte totals; memory is fixed (one slot per 10-second window of the day).
/// </summary>
public sealed class BandwidthHistory
{
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(10);
    private const int Windows = 24 * 60 * 6; // a day of 10-second windows

    private readonly long[] _readPeaks = new long[Windows];
    private readonly long[] _writePeaks = new long[Windows];
    private readonly long[] _slotStamp = new long[Windows];
    private readonly Queue<(DateTimeOffset At, long Read, long Written)> _recent = new();
    private readonly object _gate = new();

    /// <summary>Records the byte totals at <paramref name="now"/>; rates over the trailing 10 s update this window's peak.</summary>
    public void Sample(DateTimeOffset now, long totalRead, long totalWritten)
    {
        lock (_gate)
        {
            _recent.Enqueue((now, totalRead, totalWritten));
            while (_recent.Count > 1 && now - _recent.Peek().At > Window) _recent.Dequeue();
            var oldest = _recent.Peek();
            double seconds = (now - oldest.At).TotalSeconds;
            if (seconds < Window.TotalSeconds - 0.5) return; // not a full window yet
            long read = (long)((totalRead - oldest.Read) / seconds);
            long written = (long)((totalWritten - oldest.Written) / seconds);
            int slot = (int)(now.ToUnixTimeSeconds() / 10 % Windows);
            // A slot a day old is overwritten by the first sample of its new window.
            if (_slotStamp[slot] != now.ToUnixTimeSeconds() / 10)
            {
                _slotStamp[slot] = now.ToUnixTimeSeconds() / 10;
                _readPeaks[slot] = 0;
                _writePeaks[slot] = 0;
            }
            _readPeaks[slot] = Math.Max(_readPeaks[slot], read);
            _writePeaks[slot] = Math.Max(_writePeaks[slot], written);
        }
    }

    /// <summary>Bytes per second to publish as "observed".</summary>
    public long Observed
    {
        get
        {
            lock (_gate) return Math.Min(_readPeaks.Max(), _writePeaks.Max());
        }
    }
}
