namespace TorRelay.Metrics.Aggregation;

/// <summary>Interlocked addition for doubles (compare-exchange loop; no lock).</summary>
internal static class AtomicDouble
{
    public static void Add(ref double location, double value)
    {
        double current = Volatile.Read(ref location);
        while (true)
        {
            double seen = Interlocked.CompareExchange(ref location, current + value, current);
            if (seen.Equals(current))
                return;
            current = seen;
        }
    }
}
