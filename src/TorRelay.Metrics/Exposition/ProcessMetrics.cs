using System.Diagnostics;
using System.Globalization;
using TorRelay.Metrics.Aggregation;

namespace TorRelay.Metrics.Exposition;

/// <summary>
/// The process_* families Prometheus client libraries export (names and help as client_golang's
/// process collector): CPU seconds, resident and virtual memory, start time and, on Linux, file
/// descriptors from /proc/self.
/// </summary>
internal sealed class ProcessMetrics : IDisposable
{
    private readonly Process _process = Process.GetCurrentProcess();
    private readonly double _startTimeSeconds;

    public ProcessMetrics()
    {
        _startTimeSeconds = (_process.StartTime.ToUniversalTime() - DateTime.UnixEpoch).TotalSeconds;
    }

    public IEnumerable<MetricFamily> Collect()
    {
        _process.Refresh();
        yield return Family("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.",
            MetricType.Counter, Environment.CpuUsage.TotalTime.TotalSeconds);
        yield return Family("process_resident_memory_bytes", "Resident memory size in bytes.",
            MetricType.Gauge, _process.WorkingSet64);
        yield return Family("process_virtual_memory_bytes", "Virtual memory size in bytes.",
            MetricType.Gauge, _process.VirtualMemorySize64);
        yield return Family("process_start_time_seconds", "Start time of the process since unix epoch in seconds.",
            MetricType.Gauge, _startTimeSeconds);
        if (OperatingSystem.IsLinux())
        {
            if (TryCountOpenFds(out long open))
                yield return Family("process_open_fds", "Number of open file descriptors.", MetricType.Gauge, open);
            if (TryReadMaxFds(out double max))
                yield return Family("process_max_fds", "Maximum number of open file descriptors.", MetricType.Gauge, max);
        }
    }

    public void Dispose() => _process.Dispose();

    private static MetricFamily Family(string name, string help, MetricType type, double value)
    {
        var family = new MetricFamily(name, help, type);
        family.Series.Add(new SeriesSnapshot { Labels = "", Value = value });
        return family;
    }

    private static bool TryCountOpenFds(out long count)
    {
        count = 0;
        try
        {
            foreach (string _ in System.IO.Directory.EnumerateFileSystemEntries("/proc/self/fd"))
                count++;
            return true;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>The soft limit from /proc/self/limits ("Max open files  SOFT  HARD  files").</summary>
    private static bool TryReadMaxFds(out double max)
    {
        max = 0;
        try
        {
            foreach (string line in File.ReadLines("/proc/self/limits"))
            {
                if (!line.StartsWith("Max open files", StringComparison.Ordinal))
                    continue;
                string[] fields = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length == 0)
                    return false;
                if (fields[0] == "unlimited")
                {
                    max = double.PositiveInfinity;
                    return true;
                }
                return double.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out max);
            }
            return false;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }
}
