using System.Diagnostics.Metrics;
using System.Globalization;

namespace TorRelay.Relay.Metrics;

/// <summary>
/// How busy each CPU core has been since the previous scrape (from /proc/stat on Linux; since boot on the first one),
/// so an operator sees whether the relay's work spreads over the cores. Absent on systems without /proc/stat.
/// </summary>
public sealed class CpuCoreLoad
{
    private readonly object _gate = new();
    private readonly string _path;
    private Dictionary<int, (long Busy, long Total)> _previous = new();
    private readonly Dictionary<int, double> _last = new();

    public CpuCoreLoad(string path = "/proc/stat") => _path = path;

    public IEnumerable<Measurement<double>> Observe()
    {
        Dictionary<int, (long Busy, long Total)> now;
        try
        {
            now = Read(File.ReadLines(_path));
        }
        catch (IOException)
        {
            return [];
        }
        catch (UnauthorizedAccessException)
        {
            return [];
        }
        var result = new List<Measurement<double>>(now.Count);
        lock (_gate)
        {
            foreach (var (core, sample) in now)
            {
                // First reading: the average since boot; no clock tick since the last scrape: the last value.
                double ratio = !_previous.TryGetValue(core, out var before)
                    ? (sample.Total > 0 ? (double)sample.Busy / sample.Total : 0)
                    : sample.Total > before.Total
                        ? (double)(sample.Busy - before.Busy) / (sample.Total - before.Total)
                        : _last.GetValueOrDefault(core);
                _last[core] = ratio = Math.Clamp(ratio, 0, 1);
                result.Add(new(ratio, new KeyValuePair<string, object?>("core", core.ToString(CultureInfo.InvariantCulture))));
            }
            _previous = now;
        }
        return result;
    }

    /// <summary>Parses "cpuN user nice system idle iowait irq softirq steal ..." lines; idle and iowait are not busy.</summary>
    public static Dictionary<int, (long Busy, long Total)> Read(IEnumerable<string> lines)
    {
        var cores = new Dictionary<int, (long, long)>();
        foreach (var line in lines)
        {
            if (!line.StartsWith("cpu", StringComparison.Ordinal) || line.Length < 4 || !char.IsAsciiDigit(line[3])) continue;
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 5 || !int.TryParse(f[0].AsSpan(3), CultureInfo.InvariantCulture, out int core)) continue;
            long total = 0, idle = 0;
            for (int i = 1; i < f.Length && i <= 8; i++)
            {
                if (!long.TryParse(f[i], CultureInfo.InvariantCulture, out long v)) break;
                total += v;
                if (i is 4 or 5) idle += v;
            }
            cores[core] = (total - idle, total);
        }
        return cores;
    }
}
