namespace TorRelay.Core.Circuits;

/// <summary>
/// The effective MaxMemInQueues, as C tor's compute_real_max_mem_in_queues (config.c): 0 means "pick from system
/// memory" (40% of it from 8 GiB up, else 75%, kept within 256 MiB..8 GiB; 8 GiB when unknown); relays may not go below
/// 64 MiB and are warned below 256 MiB.
/// </summary>
public static class MaxMemInQueues
{
    public const long OneMegabyte = 1L << 20;
    public const long OneGigabyte = 1L << 30;

    /// <summary>MAX_DEFAULT_MEMORY_QUEUE_SIZE on 64-bit platforms.</summary>
    public const long MaxDefault = 8 * OneGigabyte;

    public const long MinServer = 64 * OneMegabyte;
    public const long MinUnwarnedServer = 256 * OneMegabyte;
    public const long MinUnwarnedClient = 64 * OneMegabyte;

    /// <summary>The limit for a configured value (0 = automatic) and the machine's memory (null when unknown).</summary>
    /// <param name="warning">C tor's warning for a value it raises or considers too low; null if none.</param>
    public static long Compute(long configured, bool isServer, long? systemMemory, out string? warning)
    {
        warning = null;
        if (configured <= 0) return Default(systemMemory);
        if (isServer && configured < MinServer)
        {
            warning = "MaxMemInQueues must be at least 64 MB on servers for now. Ideally, have it as large as you can afford.";
            return MinServer;
        }
        if (configured < (isServer ? MinUnwarnedServer : MinUnwarnedClient))
            warning = $"MaxMemInQueues is set to a low value; if your {(isServer ? "relay" : "client")} doesn't work, this may be the reason why.";
        return configured;
    }

    /// <summary>The automatic value for a machine with <paramref name="systemMemory"/> bytes (null when unknown).</summary>
    public static long Default(long? systemMemory)
    {
        if (systemMemory is not { } ram || ram <= 0) return MaxDefault;
        long available = ram >= 8 * OneGigabyte ? ram / 5 * 2 : ram / 4 * 3;
        return Math.Clamp(available, OneGigabyte / 4, MaxDefault);
    }

    /// <summary>Memory this process may use (the machine's, or its container's limit).</summary>
    public static long? SystemMemory()
    {
        long total = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        return total > 0 ? total : null;
    }
}
