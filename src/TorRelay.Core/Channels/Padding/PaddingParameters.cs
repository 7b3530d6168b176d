namespace TorRelay.Core.Channels.Padding;

/// <summary>
/// The consensus parameters of connection-level padding (padding-spec §2.6; C tor's
/// channelpadding_new_consensus_params), each clamped to C tor's range as networkstatus_get_param does.
/// </summary>
/// <param name="ItoLowMs">nf_ito_low: the least idle time before we send padding; 0 with <paramref name="ItoHighMs"/> 0 turns padding off.</param>
/// <param name="ItoHighMs">nf_ito_high: the most idle time before we send padding.</param>
/// <param name="ItoLowReducedMs">nf_ito_low_reduced: what ReducedConnectionPadding clients use for themselves.</param>
/// <param name="ItoHighReducedMs">nf_ito_high_reduced.</param>
/// <param name="PadRelays">nf_pad_relays: pad relay-to-relay channels too, not only channels to clients.</param>
public sealed record PaddingParameters(
    int ItoLowMs = PaddingParameters.DefaultItoLowMs,
    int ItoHighMs = PaddingParameters.DefaultItoHighMs,
    int ItoLowReducedMs = PaddingParameters.DefaultItoLowReducedMs,
    int ItoHighReducedMs = PaddingParameters.DefaultItoHighReducedMs,
    bool PadRelays = false)
{
    public const int DefaultItoLowMs = 1500;
    public const int DefaultItoHighMs = 9500;
    public const int DefaultItoLowReducedMs = 9000;
    public const int DefaultItoHighReducedMs = 14000;

    /// <summary>DFLT_NETFLOW_INACTIVE_KEEPALIVE_MAX: no timeout parameter may exceed a minute.</summary>
    public const int MaxTimeoutMs = 60000;

    public static readonly PaddingParameters Default = new();

    /// <summary>Reads the parameters from a consensus' params line; C tor's defaults where absent (or no consensus).</summary>
    public static PaddingParameters FromConsensus(IReadOnlyDictionary<string, int>? p)
    {
        int low = Get(p, "nf_ito_low", DefaultItoLowMs, 0, MaxTimeoutMs);
        int lowReduced = Get(p, "nf_ito_low_reduced", DefaultItoLowReducedMs, 0, MaxTimeoutMs);
        return new PaddingParameters(
            low,
            // The high bound is never below the low one: C tor clamps it to [nf_ito_low, max].
            Get(p, "nf_ito_high", DefaultItoHighMs, low, MaxTimeoutMs),
            lowReduced,
            Get(p, "nf_ito_high_reduced", DefaultItoHighReducedMs, lowReduced, MaxTimeoutMs),
            Get(p, "nf_pad_relays", 0, 0, 1) == 1);
    }

    private static int Get(IReadOnlyDictionary<string, int>? p, string name, int fallback, int min, int max) =>
        Math.Clamp(p is not null && p.TryGetValue(name, out int v) ? v : fallback, min, max);
}
