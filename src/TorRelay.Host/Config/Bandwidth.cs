namespace TorRelay.Host.Config;

/// <summary>tor's bandwidth checks and normalisation (options_validate_relay_bandwidth, config.c).</summary>
internal readonly record struct Bandwidth(ulong Rate, ulong Burst, ulong RelayRate, ulong RelayBurst, ulong MaxAdvertised)
{
    public static Bandwidth Validate(OptionReader o)
    {
        ulong rate = Cap(o, "BandwidthRate"), burst = Cap(o, "BandwidthBurst");
        ulong relayRate = Cap(o, "RelayBandwidthRate"), relayBurst = Cap(o, "RelayBandwidthBurst");
        ulong maxAdvertised = Cap(o, "MaxAdvertisedBandwidth");

        if (relayRate != 0 && relayBurst == 0)
            relayBurst = relayRate;
        if (relayBurst != 0 && relayRate == 0)
            relayRate = relayBurst;

        const ulong min = RelayOptionsBuilder.RelayRequiredMinBandwidth;
        if (rate < min)
            throw Error(o, "BandwidthRate", $"BandwidthRate is set to {rate} bytes/second. For servers, it must be at least {min}.");
        if (maxAdvertised < min / 2)
        {
            throw Error(o, "MaxAdvertisedBandwidth",
                $"MaxAdvertisedBandwidth is set to {maxAdvertised} bytes/second. For servers, it must be at least {min / 2}.");
        }
        if (relayRate != 0 && relayRate < min)
        {
            throw Error(o, o.IsSet("RelayBandwidthRate") ? "RelayBandwidthRate" : "RelayBandwidthBurst",
                $"RelayBandwidthRate is set to {relayRate} bytes/second. For servers, it must be at least {min}.");
        }
        if (relayRate > relayBurst)
            throw Error(o, "RelayBandwidthBurst", "RelayBandwidthBurst must be at least equal to RelayBandwidthRate.");

        // "If they set relaybandwidth* really high but left bandwidth* at the default, raise the defaults."
        rate = Math.Max(rate, relayRate);
        burst = Math.Max(burst, relayBurst);
        if (rate > burst)
            throw Error(o, "BandwidthBurst", "BandwidthBurst must be at least equal to BandwidthRate.");
        return new Bandwidth(rate, burst, relayRate, relayBurst, maxAdvertised);
    }

    /// <summary>config_ensure_bandwidth_cap: at most INT32_MAX, forgiving "2 GB" (one byte over).</summary>
    private static ulong Cap(OptionReader o, string name)
    {
        ulong v = o.MemUnit(name);
        if (v > RelayOptionsBuilder.MaxDeclaredBandwidth)
            v--;
        if (v > RelayOptionsBuilder.MaxDeclaredBandwidth)
            throw Error(o, name, $"{name} ({v}) must be at most {RelayOptionsBuilder.MaxDeclaredBandwidth}");
        return v;
    }

    private static ConfigException Error(OptionReader o, string name, string detail) =>
        o.Line(name) is { } line ? ConfigException.At(line, detail) : new ConfigException(detail);
}
