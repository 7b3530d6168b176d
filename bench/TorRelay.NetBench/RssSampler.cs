namespace TorRelay.NetBench;

/// <summary>Samples a process's resident memory every 0.5 s (from /proc/PID/status) and keeps the first, peak and last.</summary>
public sealed class RssSampler : IAsyncDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    private readonly int _pid;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _peak;
    private int _disposed;

    public RssSampler(int pid)
    {
        _pid = pid;
        First = _peak = Last = ProcessSample.ReadRssBytes(pid);
        _loop = LoopAsync();
    }

    public long First { get; }
    public long Peak => Interlocked.Read(ref _peak);
    public long Last { get; private set; }

    private async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false)) Sample();
        }
        catch (OperationCanceledException) { }
    }

    private void Sample()
    {
        long rss;
        try { rss = ProcessSample.ReadRssBytes(_pid); }
        catch (IOException) { return; } // the process has gone; keep what we have
        Last = rss;
        if (rss > Interlocked.Read(ref _peak)) Interlocked.Exchange(ref _peak, rss);
    }

    /// <summary>Stops sampling after one last sample; later calls do nothing.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _stop.Cancel();
        await _loop.ConfigureAwait(false);
        Sample();
        _stop.Dispose();
    }
}
