namespace TorRelay.Directory.Cache;

/// <summary>Settings of <see cref="DirectoryCacheFetcher"/>.</summary>
public sealed record DirectoryCacheFetcherOptions
{
    /// <summary>C tor's MAX_MICRODESC_DL_PER_REQUEST.</summary>
    public int MicrodescriptorsPerRequest { get; init; } = 92;

    /// <summary>C tor's MAX_DL_PER_REQUEST for server descriptors.</summary>
    public int DescriptorsPerRequest { get; init; } = 96;

    /// <summary>First retry delay after an incomplete refresh; doubles up to <see cref="MaxRetry"/>.</summary>
    public TimeSpan MinRetry { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan MaxRetry { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Clock-skew allowance when checking a consensus's validity period.</summary>
    public TimeSpan ClockTolerance { get; init; } = TimeSpan.FromMinutes(1);
}
