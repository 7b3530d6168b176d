namespace TorRelay.NetBench;

/// <summary>
/// CPU time, resident memory and sleeps of one process, read from /proc (Linux). <see cref="Sleeps"/> counts the
/// voluntary context switches of all its threads: each is a thread going to sleep (in epoll_wait, a futex …) to be
/// woken again, so per cell it shows how many cells a relay handles per wake-up.
/// </summary>
public readonly record struct ProcessSample(TimeSpan Cpu, long RssBytes, long Sleeps)
{
    public static ProcessSample Read(int pid)
    {
        // /proc/PID/stat: fields 14 and 15 are utime and stime in clock ticks (100 Hz on Linux).
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        long ticks = long.Parse(fields[11]) + long.Parse(fields[12]);
        long rssKb = StatusField($"/proc/{pid}/status", "VmRSS:");
        long sleeps = 0;
        foreach (var task in System.IO.Directory.EnumerateDirectories($"/proc/{pid}/task"))
        {
            try { sleeps += StatusField(Path.Combine(task, "status"), "voluntary_ctxt_switches:"); }
            catch (IOException) { } // the thread ended while we looked
        }
        return new ProcessSample(TimeSpan.FromMilliseconds(ticks * 10), rssKb * 1024, sleeps);
    }

    private static long StatusField(string path, string name)
    {
        foreach (var line in File.ReadLines(path))
            if (line.StartsWith(name, StringComparison.Ordinal))
                return long.Parse(line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)[1]);
        return 0;
    }
}
