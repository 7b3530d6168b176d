using System.Text;
using Microsoft.Extensions.Logging;
using TorRelay.Relay.Bandwidth;
using TorRelay.Relay.Keys;

namespace TorRelay.Relay.State;

/// <summary>
/// DataDirectory/state for a relay, on C tor's schedule (statefile.c): loaded at start (a broken file is moved aside
/// to state.N and we start afresh), written at once when there was none and at the first tick otherwise, then every 12 hours
/// (STATE_RELAY_CHECKPOINT_INTERVAL), an hour after a failed write (STATE_WRITE_RETRY_INTERVAL), and at shutdown.
/// </summary>
public sealed partial class RelayStateStore
{
    public const string FileName = "state";

    public static readonly TimeSpan RelayCheckpointInterval = TimeSpan.FromHours(12);
    public static readonly TimeSpan WriteRetryInterval = TimeSpan.FromHours(1);

    /// <summary>C tor gives up moving broken state files aside after state.99.</summary>
    private const int MaxBrokenFiles = 100;

    private readonly string _dataDirectory;
    private readonly ExtraInfoBandwidthHistory _history;
    private readonly ILogger _log;
    private readonly object _gate = new();
    private StateFile _state = new();
    private DateTimeOffset _nextWrite = DateTimeOffset.MaxValue;
    private bool _loaded;

    public RelayStateStore(string dataDirectory, ExtraInfoBandwidthHistory history, ILogger log)
    {
        _dataDirectory = dataDirectory;
        _history = history;
        _log = log;
    }

    public string Path => System.IO.Path.Combine(_dataDirectory, FileName);

    /// <summary>When the next periodic write is due.</summary>
    public DateTimeOffset NextWrite
    {
        get { lock (_gate) return _nextWrite; }
    }

    /// <summary>
    /// or_state_load: reads the file (a missing or empty one means a fresh state, written at once), moves an
    /// unparseable one aside, and replays the bandwidth history into <see cref="ExtraInfoBandwidthHistory"/>.
    /// </summary>
    public void Load(DateTimeOffset now)
    {
        string? contents = File.Exists(Path) && new FileInfo(Path).Length > 0 ? File.ReadAllText(Path, Encoding.UTF8) : null;
        StateFile state = new();
        if (contents is not null)
        {
            if (StateFile.TryParse(contents, out var parsed, out string error))
            {
                state = parsed;
                if (state.Get(StateKeys.LastWritten) is { } w && StateKeys.TryParseTime(w, out var written) && written > now)
                    LogClockSkew(_log, Path, written);
            }
            else
            {
                LogUnparseable(_log, Path, error);
                MoveAside();
            }
        }
        if (!_history.LoadFrom(state, now, out string bwError))
        {
            LogBadHistory(_log, bwError);
            MoveAside();
        }
        lock (_gate)
        {
            _state = state;
            _loaded = true;
            _nextWrite = now; // a new state's next_write is 0: the first save_state_callback writes it
        }
        if (contents is null) Save(now);
    }

    /// <summary>save_state_callback: writes the state when <see cref="NextWrite"/> has come.</summary>
    public void SaveIfDue(DateTimeOffset now)
    {
        if (now >= NextWrite) Save(now);
    }

    /// <summary>tor_cleanup: an immediate write at shutdown, once a state has been loaded.</summary>
    public void SaveAtShutdown(DateTimeOffset now)
    {
        bool loaded;
        lock (_gate) loaded = _loaded;
        if (loaded) Save(now);
    }

    /// <summary>
    /// or_state_save: refreshes the bandwidth history, LastWritten and TorVersion, writes the file atomically (0600)
    /// and schedules the next checkpoint. False when the write failed (retried an hour later).
    /// </summary>
    public bool Save(DateTimeOffset now)
    {
        lock (_gate)
        {
            _history.SaveTo(_state);
            string text = _state.Format(now, RelayIdentityInfo.Platform);
            try
            {
                PrivateFiles.EnsureDirectory(_dataDirectory);
                PrivateFiles.WriteAtomic(Path, Encoding.UTF8.GetBytes(text));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                LogWriteFailed(_log, Path, e.Message);
                _nextWrite = now + WriteRetryInterval;
                return false;
            }
            _nextWrite = now + RelayCheckpointInterval;
            return true;
        }
    }

    /// <summary>or_state_save_broken: renames the file to the first free state.N, or deletes it after state.99.</summary>
    private void MoveAside()
    {
        if (!File.Exists(Path)) return;
        for (int i = 0; i < MaxBrokenFiles; i++)
        {
            string aside = $"{Path}.{i}";
            if (File.Exists(aside) || System.IO.Directory.Exists(aside)) continue;
            LogMovedAside(_log, Path, aside);
            File.Move(Path, aside);
            return;
        }
        LogDiscarded(_log, Path);
        File.Delete(Path);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Unable to parse state in \"{Path}\" ({Error})")]
    private static partial void LogUnparseable(ILogger log, string path, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Unparseable bandwidth history state: {Error}; starting a fresh history")]
    private static partial void LogBadHistory(ILogger log, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Moving the state file \"{Path}\" aside to \"{Aside}\"")]
    private static partial void LogMovedAside(ILogger log, string path, string aside);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Too many saved bad state files to move \"{Path}\" aside; discarding it")]
    private static partial void LogDiscarded(ILogger log, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Unable to write state to file \"{Path}\" ({Reason}); will try again later")]
    private static partial void LogWriteFailed(ILogger log, string path, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The state file \"{Path}\" was last written at {Written}, in the future: is our clock wrong?")]
    private static partial void LogClockSkew(ILogger log, string path, DateTimeOffset written);
}
