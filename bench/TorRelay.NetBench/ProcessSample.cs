namespace TorRelay.NetBench;

/// <summary>
/// CPU time, resident memory and sleeps of one process, read from /proc (Linux). Sleeps are the voluntary context
/// switches of each thread: a thread going to sleep (in epoll_wait, a futex …) to be woken again, so per cell they show
/// how many cells a relay handles per wake-up.
/// </summary>
public sealed record ProcessSample(TimeSpan Cpu, long RssBytes, IReadOnlyDictionary<int, long> SleepsByThread)
{
    /// <summary>Sleeps since <paramref name="before"/>: threads are counted from 0 if new, and not at all once ended.</summary>
    public long SleepsSince(ProcessSample before) =>
        SleepsByThread.Sum(t => t.Value - before.SleepsByThread.GetValueOrDefault(t.Key));

    public static ProcessSample Read(int pid)
    {
        // /proc/PID/stat: fields 14 and 15 are utime and stime in clock ticks (100 Hz on Linux).
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        long ticks = long.Parse(fields[11]) + long.Parse(fields[12]);
        var sleeps = new Dictionary<int, long>();
        foreach (var task in System.IO.Directory.EnumerateDirectories($"/proc/{pid}/task"))
        {
            try { sleeps[int.Parse(Path.GetFileName(task))] = StatusField(Path.Combine(task, "status"), "voluntary_ctxt_switches:"); }
            catch (IOException) { } // the thread ended while we looked
        }
        return new ProcessSample(TimeSpan.FromMilliseconds(ticks * 10), ReadRssBytes(pid), sleeps);
    }

    /// <summary>Resident memory alone (VmRSS in /proc/PID/status), for samplers that need nothing else.</summary>
    public static long ReadRssBytes(int pid) => StatusField($"/proc/{pid}/status", "VmRSS:") * 1024;

    private static long StatusField(string path, string name)
    {
        foreach (var line in File.ReadLines(path))
            if (line.StartsWith(name, StringComparison.Ordinal))
                return long.Parse(line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)[1]);
        return 0;
    }
}
