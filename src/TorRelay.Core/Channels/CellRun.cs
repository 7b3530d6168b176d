using TorRelay.Cells;

namespace TorRelay.Core.Channels;

/// <summary>
/// Consecutive cells with one command on one side of a channel, counted locally and reported to the relay-wide
/// counters (cell metrics, padding-counts) in one add per run. Those counters are shared by every channel: an atomic
/// add per cell on memory every core writes would be where cores contend on the cell path.
/// </summary>
internal struct CellRun
{
    private CellCommand _command;
    private int _count;

    /// <summary>Counts a cell; true when it ends a run of another command, which is handed out to be reported.</summary>
    public bool Add(CellCommand command, out CellCommand ended, out int endedCount)
    {
        bool ends = _count > 0 && command != _command;
        ended = _command;
        endedCount = ends ? _count : 0;
        if (ends || _count == 0)
        {
            _command = command;
            _count = 0;
        }
        _count++;
        return ends;
    }

    /// <summary>Hands out the current run, if any, and starts afresh.</summary>
    public bool Take(out CellCommand command, out int count)
    {
        command = _command;
        count = _count;
        _count = 0;
        return count > 0;
    }
}
