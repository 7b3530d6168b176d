using TorRelay.Directory.Netdoc;
using TorRelay.Relay.State;

namespace TorRelay.Relay.Bandwidth;

/// <summary>
/// The relay's bandwidth history, as C tor's bwhist.c keeps it: six <see cref="BandwidthArray"/>s (all traffic, IPv6
/// traffic and answered directory requests, each read and written), started when the relay starts and carried across
/// restarts in DataDirectory/state (<see cref="SaveTo"/>, <see cref="LoadFrom"/>). It gives the extra-info history lines and the descriptor's observed
/// bandwidth. Thread-safe.
/// </summary>
public sealed class ExtraInfoBandwidthHistory
{
    private BandwidthArray _write, _read, _ipv6Write, _ipv6Read, _dirWrite, _dirRead;
    private readonly object _gate = new();
    private long _lastTotalRead, _lastTotalWritten;

    /// <summary>bwhist_init at <paramref name="start"/>.</summary>
    public ExtraInfoBandwidthHistory(DateTimeOffset start) => Reset(start.ToUnixTimeSeconds());

    /// <summary>bwhist_update_state: writes the six arrays' BWHistory* keys into <paramref name="state"/>.</summary>
    public void SaveTo(StateFile state)
    {
        lock (_gate)
        {
            for (int i = 0; i < StateKeys.HistoryNames.Count; i++)
                BandwidthHistoryState.Save(ArrayFor(i), state, StateKeys.HistoryNames[i]);
        }
    }

    /// <summary>
    /// bwhist_load_state: replays each array saved in <paramref name="state"/> (an array with no usable history keeps
    /// its current one). When a value does not parse, every array starts afresh at <paramref name="now"/> and the
    /// result is false, as in C tor.
    /// </summary>
    public bool LoadFrom(StateFile state, DateTimeOffset now, out string error)
    {
        long n = now.ToUnixTimeSeconds();
        var loaded = new BandwidthArray?[StateKeys.HistoryNames.Count];
        error = "";
        for (int i = 0; i < loaded.Length; i++)
        {
            if (!BandwidthHistoryState.TryLoad(state, StateKeys.HistoryNames[i], n, out loaded[i], out string e) && error.Length == 0)
                error = e;
        }
        lock (_gate)
        {
            if (error.Length > 0)
            {
                Reset(n);
                return false;
            }
            _read = loaded[0] ?? _read;
            _write = loaded[1] ?? _write;
            _ipv6Read = loaded[2] ?? _ipv6Read;
            _ipv6Write = loaded[3] ?? _ipv6Write;
            _dirRead = loaded[4] ?? _dirRead;
            _dirWrite = loaded[5] ?? _dirWrite;
        }
        return true;
    }

    /// <summary>The array named <see cref="StateKeys.HistoryNames"/>[<paramref name="index"/>].</summary>
    private BandwidthArray ArrayFor(int index) => index switch
    {
        0 => _read,
        1 => _write,
        2 => _ipv6Read,
        3 => _ipv6Write,
        4 => _dirRead,
        _ => _dirWrite,
    };

    [System.Diagnostics.CodeAnalysis.MemberNotNull(nameof(_write), nameof(_read), nameof(_ipv6Write), nameof(_ipv6Read), nameof(_dirWrite), nameof(_dirRead))]
    private void Reset(long start)
    {
        _write = new(start);
        _read = new(start);
        _ipv6Write = new(start);
        _ipv6Read = new(start);
        _dirWrite = new(start);
        _dirRead = new(start);
    }

    /// <summary>bwhist_note_bytes_read: bytes read at <paramref name="when"/>, also counted as IPv6 when so.</summary>
    public void NoteBytesRead(ulong bytes, DateTimeOffset when, bool ipv6 = false) =>
        Note(_read, ipv6 ? _ipv6Read : null, bytes, when);

    /// <summary>bwhist_note_bytes_written.</summary>
    public void NoteBytesWritten(ulong bytes, DateTimeOffset when, bool ipv6 = false) =>
        Note(_write, ipv6 ? _ipv6Write : null, bytes, when);

    /// <summary>bwhist_note_dir_bytes_read: request bytes of a directory request we answered.</summary>
    public void NoteDirBytesRead(ulong bytes, DateTimeOffset when) => Note(_dirRead, null, bytes, when);

    /// <summary>bwhist_note_dir_bytes_written: response bytes of a directory request we answered.</summary>
    public void NoteDirBytesWritten(ulong bytes, DateTimeOffset when) => Note(_dirWrite, null, bytes, when);

    /// <summary>
    /// Notes what running byte totals (all connections, both families) grew by since the last call; as C tor notes
    /// only transfers of at least one byte, an idle second leaves the history untouched.
    /// </summary>
    public void NoteTotals(DateTimeOffset now, long totalRead, long totalWritten)
    {
        long read, written;
        lock (_gate)
        {
            read = totalRead - _lastTotalRead;
            written = totalWritten - _lastTotalWritten;
            _lastTotalRead = totalRead;
            _lastTotalWritten = totalWritten;
        }
        if (read > 0) NoteBytesRead((ulong)read, now);
        if (written > 0) NoteBytesWritten((ulong)written, now);
    }

    /// <summary>
    /// bwhist_bandwidth_assess: the observed bandwidth (bytes/s) for our descriptor, the lesser of the largest read and
    /// the largest written 10-second sum (<see cref="BandwidthArray.LargestMax"/>) over 10 s. The current period counts
    /// only once it has lasted longer than <paramref name="minObservation"/> (TestingMinTimeToReportBandwidth).
    /// </summary>
    public long Assess(TimeSpan minObservation)
    {
        long minSeconds = (long)minObservation.TotalSeconds;
        ulong least;
        lock (_gate) least = Math.Min(_read.LargestMax(minSeconds), _write.LargestMax(minSeconds));
        // C tor casts to int; a descriptor cannot carry more.
        return (long)Math.Min(least / BandwidthArray.RollingMeasureSeconds, int.MaxValue);
    }

    /// <summary>
    /// bwhist_get_bandwidth_lines: "write-history", "read-history", "ipv6-write-history", "ipv6-read-history",
    /// "dirreq-write-history", "dirreq-read-history" in that order, each only once a period has been committed.
    /// With <paramref name="relayBandwidthRate"/> (bytes/s, 0: unset) no period reports more than a day at that rate.
    /// </summary>
    public IReadOnlyList<string> GetBandwidthLines(long relayBandwidthRate = 0)
    {
        ulong cutoff = relayBandwidthRate > 0 ? (ulong)relayBandwidthRate * BandwidthArray.IntervalSeconds : ulong.MaxValue;
        var lines = new List<string>(6);
        lock (_gate)
        {
            AddLine(lines, "write-history", _write, cutoff);
            AddLine(lines, "read-history", _read, cutoff);
            AddLine(lines, "ipv6-write-history", _ipv6Write, cutoff);
            AddLine(lines, "ipv6-read-history", _ipv6Read, cutoff);
            AddLine(lines, "dirreq-write-history", _dirWrite, cutoff);
            AddLine(lines, "dirreq-read-history", _dirRead, cutoff);
        }
        return lines;
    }

    private void Note(BandwidthArray all, BandwidthArray? family, ulong bytes, DateTimeOffset when)
    {
        long second = when.ToUnixTimeSeconds();
        lock (_gate)
        {
            all.Add(second, bytes);
            family?.Add(second, bytes);
        }
    }

    /// <summary>bwhist_get_one_bandwidth_line: "KEYWORD YYYY-MM-DD HH:MM:SS (86400 s) n,n,...", ending where the current period begins.</summary>
    private static void AddLine(List<string> lines, string keyword, BandwidthArray array, ulong cutoff)
    {
        ulong[] history = array.History(cutoff);
        if (history.Length == 0) return;
        var end = DateTimeOffset.FromUnixTimeSeconds(array.NextPeriod - BandwidthArray.IntervalSeconds);
        lines.Add($"{keyword} {NetdocFormat.FormatTime(end)} ({BandwidthArray.IntervalSeconds} s) {string.Join(',', history)}");
    }
}
