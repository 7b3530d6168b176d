namespace TorRelay.Core.Dos;

/// <summary>
/// What C tor's dos_client_stats_t keeps per client address (dos.h): concurrent connections, the circuit bucket
/// (cc_client_stats_t) and the connect bucket (conn_client_stats_t). Wall-clock times are Unix seconds (C tor's
/// approx_time), the connect bucket runs on monotonic seconds; a mark of 0 means "never marked". Not thread-safe:
/// <see cref="DosMitigation"/> guards it.
/// </summary>
internal sealed class DosClientStats(long connectBurst, long monotonicNow)
{
    public uint ConcurrentCount;

    public uint CircuitBucket;
    /// <summary>null until the first CREATE cell: the bucket then starts full.</summary>
    public long? LastCircuitBucketRefill;
    public long CircuitMarkedUntil;

    public long ConnectTokens = connectBurst;
    public long ConnectLastRefill = monotonicNow;
    public long ConnectMarkedUntil;

    /// <summary>Times this address hit the outbound circuit queue limit since it was last marked for it.</summary>
    public uint NumCircMaxCellQueueSize;

    public bool IsCircuitMarked(long now) => CircuitMarkedUntil != 0 && CircuitMarkedUntil >= now;

    /// <summary>
    /// cc_stats_refill_bucket: adds rate tokens per whole second elapsed, up to the burst. A first use, a clock that
    /// went backwards or an absurd jump forward fill the bucket, so an honest client is never punished for our clock.
    /// </summary>
    public void RefillCircuitBucket(long now, int rate, int burst)
    {
        if (LastCircuitBucketRefill == now) return;
        CircuitBucket = CircuitTokensAt(now, rate, burst);
        LastCircuitBucketRefill = now;
    }

    /// <summary>token_bucket_ctr_refill: rate tokens per elapsed monotonic second, capped at the burst.</summary>
    public void RefillConnectBucket(long monotonicNow, int rate, int burst)
    {
        ConnectTokens = ConnectTokensAt(monotonicNow, rate, burst);
        ConnectLastRefill = monotonicNow;
    }

    /// <summary>
    /// True when forgetting this address changes nothing: no open connection, no live mark, nothing counted towards
    /// the max-queue mark and both buckets full again (a new entry starts with full buckets).
    /// </summary>
    public bool IsIdle(long now, long monotonicNow, DosOptions o) =>
        ConcurrentCount == 0 && NumCircMaxCellQueueSize == 0 &&
        !IsCircuitMarked(now) && (ConnectMarkedUntil == 0 || ConnectMarkedUntil < now) &&
        (LastCircuitBucketRefill is null || CircuitTokensAt(now, o.CircuitCreationRate, o.CircuitCreationBurst) >= o.CircuitCreationBurst) &&
        ConnectTokensAt(monotonicNow, o.ConnectionConnectRate, o.ConnectionConnectBurst) >= o.ConnectionConnectBurst;

    private uint CircuitTokensAt(long now, int rate, int burst)
    {
        ulong cap = (ulong)Math.Max(burst, 0);
        if (LastCircuitBucketRefill is not { } last || now < last || (ulong)(now - last) > uint.MaxValue) return (uint)cap;
        ulong tokens = (ulong)(now - last) * (ulong)Math.Max(rate, 0);
        return (uint)Math.Min(CircuitBucket + tokens, cap);
    }

    private long ConnectTokensAt(long monotonicNow, int rate, int burst)
    {
        long elapsed = monotonicNow - ConnectLastRefill;
        // Like token_bucket_ctr_refill, ignore a jump that can only be a clock bug.
        if (elapsed < 0 || elapsed > uint.MaxValue / 4) return Math.Min(ConnectTokens, burst);
        return Math.Min(ConnectTokens + elapsed * Math.Max(rate, 0), burst);
    }
}
