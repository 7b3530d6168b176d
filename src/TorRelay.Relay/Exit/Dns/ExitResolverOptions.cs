namespace TorRelay.Relay.Exit.Dns;

/// <summary>The ServerDNS* torrc options and the consensus parameters the exit's resolver runs with.</summary>
public sealed record ExitResolverOptions
{
    /// <summary>C tor's default ServerDNSTestAddresses.</summary>
    public const string DefaultTestAddresses = "www.google.com,www.mit.edu,www.yahoo.com,www.slashdot.org";

    /// <summary>ServerDNSResolvConfFile (default: the system's).</summary>
    public string ResolvConfFile { get; init; } = "/etc/resolv.conf";
    /// <summary>ServerDNSAllowBrokenConfig: keep retrying an unreadable configuration instead of failing.</summary>
    public bool AllowBrokenConfig { get; init; } = true;
    /// <summary>ServerDNSRandomizeCase: the 0x20 hack.</summary>
    public bool RandomizeCase { get; init; } = true;
    /// <summary>ServerDNSSearchDomains: try the resolv.conf search list.</summary>
    public bool SearchDomains { get; init; }
    /// <summary>ServerDNSAllowNonRFC953Hostnames: look up names with characters other than [A-Za-z0-9._-].</summary>
    public bool AllowNonRFC953Hostnames { get; init; }
    /// <summary>ServerDNSDetectHijacking: probe for nameservers that answer names which do not exist, and correct for it.</summary>
    public bool DetectHijacking { get; init; } = true;
    /// <summary>
    /// ServerDNSTestAddresses as torrc gives it, comma-separated (a string keeps the record's equality by value): names
    /// that must not resolve to a hijacker's junk address.
    /// </summary>
    public string TestAddresses { get; init; } = DefaultTestAddresses;
    /// <summary>Consensus exit_dns_timeout (1 s by default; C tor sets it over resolv.conf's timeout).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>Consensus exit_dns_num_attempts: transmissions per lookup, rotating through the nameservers (C tor: 2).</summary>
    public int Attempts { get; init; } = 2;
    /// <summary>C tor's max-inflight: queries on the wire at once; more wait their turn.</summary>
    public int MaxInflight { get; init; } = 8192;
    /// <summary>Cached (name, type) answers kept at most; the oldest go first.</summary>
    public int CacheCapacity { get; init; } = 65536;

    /// <summary>C tor's CSV rule (SPLIT_SKIP_SPACE | SPLIT_IGNORE_BLANK): entries trimmed, empty ones dropped.</summary>
    public IReadOnlyList<string> TestAddressList =>
        TestAddresses.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
}
