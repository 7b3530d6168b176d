namespace TorRelay.Relay.Keys;

/// <summary>Key lifetimes, with C tor 0.4.9's defaults (config.c, or.h).</summary>
public sealed record RelayKeyOptions
{
    /// <summary>SigningKeyLifetime: how long a new signing certificate is valid.</summary>
    public TimeSpan SigningKeyLifetime { get; init; } = TimeSpan.FromDays(30);

    /// <summary>TestingSigningKeySlop: renew the signing key when its certificate expires within this.</summary>
    public TimeSpan SigningKeySlop { get; init; } = TimeSpan.FromDays(1);

    /// <summary>Consensus parameter onion-key-rotation-days (default 28).</summary>
    public TimeSpan OnionKeyLifetime { get; init; } = TimeSpan.FromDays(28);

    /// <summary>Consensus parameter onion-key-grace-period-days (default 7): how long previous onion keys are kept.</summary>
    public TimeSpan OnionKeyGracePeriod { get; init; } = TimeSpan.FromDays(7);
}
