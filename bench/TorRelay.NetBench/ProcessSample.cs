namespace TorRelay.NetBench;

/// <summary>CPU time and resident memory of one process, read from /proc (Linux).</summary>
public readonly record struct ProcessSample(TimeSpan Cpu, long RssBytes)
{
    public static ProcessSample Read(int pid)
    {
        // /proc/PID/stat: fields 14 and 15 are utime and stime in clock ticks (100 Hz on Linux).
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        long ticks = long.Parse(fields[11]) + long.Parse(fields[12]);
        long rssKb = 0;
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                rssKb = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
        return new ProcessSample(TimeSpan.FromMilliseconds(ticks * 10), rssKb * 1024);
    }
}
