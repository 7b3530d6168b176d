using System.Diagnostics.Metrics;
using TorRelay.Cells;

namespace TorRelay.Core.Metrics;

/// <summary>
/// torrelay_cells_total{direction, command}: one slot per (direction, command byte), so counting a cell is one
/// interlocked increment. Known commands are reported one by one (zeros included), all others as "unrecognized".
/// </summary>
internal sealed class CellCounters
{
    private const int ReceivedBase = 0;
    private const int SentBase = 256;

    private readonly long[] _counts = new long[512];
    private readonly KeyValuePair<string, object?>[]?[] _tags = new KeyValuePair<string, object?>[512][];
    private readonly KeyValuePair<string, object?>[][] _unrecognized;
    private readonly int _known;

    public CellCounters()
    {
        string[] directions = ["received", "sent"];
        for (int c = 0; c < 256; c++)
        {
            if (MetricLabels.Of((CellCommand)c) is not { } name) continue;
            _known++;
            for (int d = 0; d < 2; d++)
                _tags[d * 256 + c] = [MetricLabels.Tag("direction", directions[d]), MetricLabels.Tag("command", name)];
        }
        _unrecognized = [.. directions.Select(d => new[] { MetricLabels.Tag("direction", d), MetricLabels.Tag("command", MetricLabels.UnrecognizedCommand) })];
    }

    public void Received(CellCommand command, int cells) => Interlocked.Add(ref _counts[ReceivedBase + (byte)command], cells);

    public void Sent(CellCommand command, int cells) => Interlocked.Add(ref _counts[SentBase + (byte)command], cells);

    public IEnumerable<Measurement<long>> Observe()
    {
        var measurements = new List<Measurement<long>>(2 * (_known + 1));
        for (int d = 0; d < 2; d++)
        {
            long other = 0;
            for (int c = 0; c < 256; c++)
            {
                int slot = d * 256 + c;
                long n = Volatile.Read(ref _counts[slot]);
                if (_tags[slot] is { } tags) measurements.Add(new Measurement<long>(n, tags));
                else other += n;
            }
            measurements.Add(new Measurement<long>(other, _unrecognized[d]));
        }
        return measurements;
    }
}
