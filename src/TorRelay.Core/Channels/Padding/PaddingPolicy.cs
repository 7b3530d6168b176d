using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TorRelay.Core.Metrics;
using TorRelay.Crypto;

namespace TorRelay.Core.Channels.Padding;

/// <summary>
/// What every channel's padding shares: the consensus parameters (replaced when a consensus arrives, hence the
/// setter), the clock, the random source for timeouts, and where to log and count. Made once by the host.
/// </summary>
public sealed class PaddingPolicy
{
    private PaddingParameters _parameters;
    private long _channelIds;

    public PaddingPolicy(TimeProvider time, IRandomSource? random = null, ILogger? log = null, CoreMetrics? metrics = null,
        PaddingParameters? parameters = null)
    {
        Time = time;
        Random = random ?? SystemRandom.Instance;
        Log = log ?? NullLogger.Instance;
        Metrics = metrics;
        _parameters = parameters ?? PaddingParameters.Default;
        Housekeeping = new PaddingHousekeeping(time);
    }

    public TimeProvider Time { get; }
    public IRandomSource Random { get; }
    public ILogger Log { get; }
    public CoreMetrics? Metrics { get; }

    /// <summary>The one timer that looks at every channel's padding each second.</summary>
    internal PaddingHousekeeping Housekeeping { get; }

    /// <summary>What every channel's cells add up to, for extra-info's padding-counts line.</summary>
    public PaddingCounts Counts { get; } = new();

    public PaddingParameters Parameters
    {
        get => Volatile.Read(ref _parameters);
        set => Volatile.Write(ref _parameters, value);
    }

    /// <summary>
    /// Peers whose PADDING_NEGOTIATE is refused: a bridge takes it only from its clients, never from relays in the
    /// consensus (channelpadding_update_padding_for_channel). Null: accepted from every peer.
    /// </summary>
    public Func<PeerIdentity, bool>? RefusesNegotiationFrom { get; set; }

    internal long NextChannelId() => Interlocked.Increment(ref _channelIds);

    /// <summary>
    /// channelpadding_get_netflow_inactive_timeout_ms: how long a channel may idle before we pad it, in ms, or 0 when
    /// the consensus turns padding off. Negotiated bounds (both non-zero) may only raise the consensus ones. The result
    /// is low + max(X1, X2) with X1, X2 uniform in [0, high - low): with both ends padding, the expected gap is near
    /// the middle of the range (C tor's comment there has the table).
    /// </summary>
    public int DrawTimeoutMs(int negotiatedLowMs, int negotiatedHighMs)
    {
        var p = Parameters;
        int low = p.ItoLowMs, high = p.ItoHighMs;
        if (low == 0 && high == 0) return 0;
        if (negotiatedLowMs != 0 && negotiatedHighMs != 0)
        {
            low = Math.Max(low, negotiatedLowMs);
            high = Math.Max(high, negotiatedHighMs);
        }
        if (low >= high) return low;
        return low + Math.Max(RandomBelow(high - low), RandomBelow(high - low));
    }

    /// <summary>crypto_rand_int: uniform in [0, max); 64 random bits modulo a bound below 2^16, so the bias is under 2^-48.</summary>
    private int RandomBelow(int max)
    {
        Span<byte> b = stackalloc byte[sizeof(ulong)];
        Random.Fill(b);
        return (int)(System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(b) % (ulong)max);
    }
}
