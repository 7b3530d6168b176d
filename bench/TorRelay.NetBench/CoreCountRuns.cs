namespace TorRelay.NetBench;

/// <summary>One measurement per core count, as the scaling benchmarks make them.</summary>
public static class CoreCountRuns
{
    /// <summary>A run's measurement: the rate compared across core counts, and the table row printed for it.</summary>
    public delegate Task<(double Rate, string Row)> Measure(string relayWrapper, IReadOnlyList<int> relayCpus, IReadOnlyList<int> benchCpus);

    /// <summary>
    /// For each core count: our relay is started (by <paramref name="measure"/>) through a wrapper that runs it under
    /// taskset on the first N CPUs this process may use, and the benchmark is pinned to the others (to all of them when
    /// none are left); the benchmark's own affinity is restored after each run. Counts above the CPUs here are skipped.
    /// </summary>
    public static async Task<List<(int Cores, double Rate, string Row)>> RunAsync(string relayBinary, IEnumerable<int> coreCounts, Measure measure)
    {
        int self = Environment.ProcessId;
        var allowed = CpuAffinity.Allowed(self);
        string scripts = System.IO.Directory.CreateTempSubdirectory("torrelay-scaling-").FullName;
        var rows = new List<(int Cores, double Rate, string Row)>();
        try
        {
            foreach (int cores in coreCounts)
            {
                if (cores > allowed.Count)
                {
                    Console.WriteLine($"skipping {cores} cores: only {allowed.Count} CPUs here");
                    continue;
                }
                var relayCpus = allowed.Take(cores).ToList();
                var benchCpus = cores < allowed.Count ? allowed.Skip(cores).ToList() : allowed.ToList();
                try
                {
                    var (rate, row) = await measure(CpuAffinity.WriteWrapper(scripts, relayBinary, relayCpus), relayCpus, benchCpus);
                    rows.Add((cores, rate, row));
                    Console.WriteLine(row);
                }
                finally
                {
                    CpuAffinity.Pin(self, allowed);
                }
            }
        }
        finally
        {
            System.IO.Directory.Delete(scripts, recursive: true);
        }
        return rows;
    }

    /// <summary>Prints the ratio of the last run's rate to the first's, when there were two runs.</summary>
    public static void PrintRatio(IReadOnlyList<(int Cores, double Rate, string Row)> rows)
    {
        if (rows.Count == 2)
            Console.WriteLine($"ratio {rows[1].Cores} cores / {rows[0].Cores} core(s): {rows[1].Rate / rows[0].Rate:F2}");
    }
}
