using System.Diagnostics;

namespace TorRelay.NetBench;

/// <summary>CPU sets on Linux: which CPUs a process may use (/proc), and pinning with taskset(1).</summary>
public static class CpuAffinity
{
    /// <summary>The CPUs a process may run on, from Cpus_allowed_list in /proc/PID/status ("0-3,6").</summary>
    public static IReadOnlyList<int> Allowed(int pid)
    {
        string list = File.ReadLines($"/proc/{pid}/status")
            .First(l => l.StartsWith("Cpus_allowed_list:", StringComparison.Ordinal))["Cpus_allowed_list:".Length..].Trim();
        var cpus = new List<int>();
        foreach (string part in list.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var ends = part.Split('-');
            int first = int.Parse(ends[0]), last = int.Parse(ends[^1]);
            for (int c = first; c <= last; c++) cpus.Add(c);
        }
        return cpus;
    }

    public static string ToList(IEnumerable<int> cpus) => string.Join(',', cpus);

    /// <summary>
    /// Writes an executable script that starts <paramref name="binary"/> under <c>taskset -c</c>, so the .NET runtime
    /// sizes its thread pool and GC for those CPUs from the start (exec keeps the PID).
    /// </summary>
    public static string WriteWrapper(string directory, string binary, IEnumerable<int> cpus)
    {
        string path = Path.Combine(directory, $"torrelay-on-{ToList(cpus).Replace(',', '_')}.sh");
        File.WriteAllText(path, $"#!/bin/sh\nexec taskset -c {ToList(cpus)} '{binary}' \"$@\"\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    /// <summary>Moves every thread of a running process onto <paramref name="cpus"/> (<c>taskset -a -cp</c>).</summary>
    public static void Pin(int pid, IEnumerable<int> cpus)
    {
        var psi = new ProcessStartInfo("taskset") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in new[] { "-a", "-cp", ToList(cpus), pid.ToString(System.Globalization.CultureInfo.InvariantCulture) })
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start taskset");
        string error = p.StandardError.ReadToEnd();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"taskset failed: {error}");
    }
}
