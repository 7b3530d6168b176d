using TorRelay.Crypto;

namespace TorRelay.Relay.Exit.Dns;

/// <summary>
/// C tor's TTL handling (connection_edge.h, clip_dns_ttl / clip_dns_fuzzy_ttl): an exit reports only a "low" or a "high"
/// TTL (defence against DefectTor), blurred by a uniform ±4 minutes, and caches its answers for that same time.
/// </summary>
public static class DnsTtl
{
    /// <summary>MIN_DNS_TTL: TTLs below this become this.</summary>
    public const uint Min = 5 * 60;
    /// <summary>MAX_DNS_TTL: every other TTL becomes this.</summary>
    public const uint Max = 60 * 60;
    /// <summary>DEFAULT_DNS_TTL: what an address literal is answered with.</summary>
    public const uint Default = 30 * 60;
    /// <summary>FUZZY_DNS_TTL: the half-width of the random blur (less than <see cref="Min"/>, so no underflow).</summary>
    public const uint Fuzzy = 4 * 60;

    /// <summary>clip_dns_ttl.</summary>
    public static uint Clip(uint ttl) => ttl < Min ? Min : Max;

    /// <summary>clip_dns_fuzzy_ttl with the random draw given: <paramref name="offset"/> in [0, 2·Fuzzy].</summary>
    public static uint ClipFuzzy(uint ttl, uint offset) => Clip(ttl) + Math.Min(offset, 2 * Fuzzy) - Fuzzy;

    /// <summary>clip_dns_fuzzy_ttl: the clipped TTL plus a uniform draw from [-Fuzzy, Fuzzy].</summary>
    public static uint ClipFuzzy(uint ttl, IRandomSource random) => ClipFuzzy(ttl, UniformBelow(random, 2 * Fuzzy + 1));

    /// <summary>Uniform in [0, limit): 64 random bits reduced modulo a small limit (bias below 2^-50, and no retry loop).</summary>
    internal static uint UniformBelow(IRandomSource random, uint limit)
    {
        Span<byte> bytes = stackalloc byte[8];
        random.Fill(bytes);
        return (uint)(BitConverter.ToUInt64(bytes) % limit);
    }
}
