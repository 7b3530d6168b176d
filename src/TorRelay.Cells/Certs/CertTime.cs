namespace TorRelay.Cells.Certs;

/// <summary>Certificate expirations travel as u32 hours since the epoch (cert-spec §2.1, §2.3).</summary>
internal static class CertTime
{
    private static readonly long MaxHours = DateTimeOffset.MaxValue.ToUnixTimeSeconds() / 3600;

    /// <summary>CEIL_DIV(t, 3600) as C tor computes it; clamped to the u32 field.</summary>
    public static uint ToHours(DateTimeOffset time)
    {
        long seconds = time.ToUnixTimeSeconds();
        if (seconds <= 0) return 0;
        long hours = (seconds + 3599) / 3600;
        return hours > uint.MaxValue ? uint.MaxValue : (uint)hours;
    }

    /// <summary>Hours back to a time; values past year 9999 clamp so junk never throws.</summary>
    public static DateTimeOffset FromHours(uint hours)
        => hours > MaxHours ? DateTimeOffset.MaxValue : DateTimeOffset.FromUnixTimeSeconds(hours * 3600L);
}
