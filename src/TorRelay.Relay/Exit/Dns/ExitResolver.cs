using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using TorRelay.Crypto;

namespace TorRelay.Relay.Exit.Dns;

/// <summary>
/// The exit's resolver (C tor dns.c over evdns). Address literals are answered at once with DEFAULT_DNS_TTL; names that
/// are invalid (non-RFC 953 unless allowed, reverse zones, unencodable) are refused without a query; everything else is
/// answered from a (name, type) cache, joined to an identical lookup in flight, or looked up. Every answer, errors
/// included, is cached for its clip_dns_fuzzy_ttl, which is also the TTL reported, as C tor does.
/// With an unreadable resolv.conf the resolver answers errors and retries the file (every 10 minutes, and at most once a
/// second when asked to resolve) unless ServerDNSAllowBrokenConfig is 0, in which case <see cref="Create"/> fails.
/// With ServerDNSDetectHijacking it also probes for a nameserver that hijacks failures (ExitResolver.CorrectnessChecks.cs).
/// </summary>
public sealed partial class ExitResolver : IDisposable
{
    /// <summary>RETRY_DNS_INTERVAL (relay_periodic.c).</summary>
    public static readonly TimeSpan RetryInterval = TimeSpan.FromMinutes(10);
    /// <summary>How often a lookup may trigger a reread of a broken configuration (C tor rereads on every one).</summary>
    public static readonly TimeSpan OnDemandRetryInterval = TimeSpan.FromSeconds(1);

    private readonly ExitResolverOptions _options;
    private readonly ILogger _log;
    private readonly IDnsMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly IRandomSource _random;
    private readonly DnsClient _client;
    private readonly Lock _lock = new();
    private readonly DnsCache _cache;
    private readonly Dictionary<(string, DnsRecordType), Task<DnsLookupResult>> _inflight = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly ITimer _retryTimer;
    private readonly WildcardTracker _wildcards;
    private NameserverConfig _config;
    private long _lastLoad;

    private ExitResolver(ExitResolverOptions options, ILogger log, IDnsMetrics metrics, TimeProvider time, IRandomSource random,
        NameserverConfig config)
    {
        _options = options;
        _log = log;
        _metrics = metrics;
        _time = time;
        _random = random;
        _client = new DnsClient(options, time, random, log);
        _cache = new DnsCache(options.CacheCapacity);
        _config = config;
        _lastLoad = time.GetTimestamp();
        _retryTimer = time.CreateTimer(_ => RetryIfBroken(), null, RetryInterval, RetryInterval);
        _wildcards = new WildcardTracker(options.TestAddressList, log);
        _honestyTimer = time.CreateTimer(_ => HonestyCheckDue(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _testAddressTimer = time.CreateTimer(_ => LaunchTestAddresses(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>
    /// Reads the configuration and starts the resolver. Throws <see cref="DnsConfigurationException"/> when the
    /// configuration is unreadable and <see cref="ExitResolverOptions.AllowBrokenConfig"/> is false.
    /// </summary>
    public static ExitResolver Create(ExitResolverOptions options, ILogger log, IDnsMetrics? metrics = null,
        TimeProvider? time = null, IRandomSource? random = null)
    {
        var config = Load(options, log);
        if (config.Status == NameserverConfigStatus.Broken && !options.AllowBrokenConfig)
        {
            throw new DnsConfigurationException(
                $"Error initializing DNS: {config.Error}. To retry instead, set ServerDNSAllowBrokenConfig 1.");
        }
        if (config.Status == NameserverConfigStatus.Broken) LogBroken(log, config.Error ?? "");
        return new ExitResolver(options, log, metrics ?? NoDnsMetrics.Instance, time ?? TimeProvider.System,
            random ?? SystemRandom.Instance, config);
    }

    /// <summary>has_dns_init_failed: while true C tor publishes "reject *:*" and answers every lookup with an error.</summary>
    public bool IsConfigBroken => Volatile.Read(ref _config).Status == NameserverConfigStatus.Broken;

    /// <summary>The nameservers in use (127.0.0.1:53 when the configuration named none); empty while broken.</summary>
    public IReadOnlyList<IPEndPoint> Nameservers => Volatile.Read(ref _config).Conf?.Nameservers ?? [];

    /// <summary>Rereads the configuration (SIGHUP, changed ServerDNS options); cached answers stay.</summary>
    public void Reload()
    {
        var config = Load(_options, _log);
        bool wasBroken = IsConfigBroken, broken = config.Status == NameserverConfigStatus.Broken;
        Volatile.Write(ref _config, config);
        Interlocked.Exchange(ref _lastLoad, _time.GetTimestamp());
        if (wasBroken && !broken) LogRecovered(_log);
        if (!wasBroken && broken) LogBroken(_log, config.Error ?? "");
        if (!broken) RelaunchCorrectnessChecks();
    }

    /// <summary>Resolves <paramref name="hostname"/> to the address families asked for.</summary>
    public async ValueTask<DnsAnswer> ResolveAsync(string hostname, DnsQueryFamily families, CancellationToken ct)
    {
        if (TryParseLiteral(hostname, out var literal)) return DnsAnswer.Literal(literal);
        if ((families & DnsQueryFamily.Both) == 0) return DnsAnswer.Refused();
        string name = hostname.ToLowerInvariant();
        if (Exit.ReverseName.IsReverseName(name.TrimEnd('.')) || !IsValidHostname(name, _options.AllowNonRFC953Hostnames) ||
            !DnsName.TryEncode(name, new byte[DnsName.MaxWireLength], out _))
        {
            LogRefusedName(_log);
            return DnsAnswer.Refused();
        }
        var v4 = families.HasFlag(DnsQueryFamily.Ipv4) ? GetAsync(name, DnsRecordType.A).AsTask() : null;
        var v6 = families.HasFlag(DnsQueryFamily.Ipv6) ? GetAsync(name, DnsRecordType.Aaaa).AsTask() : null;
        var a = v4 is null ? null : await v4.WaitAsync(ct).ConfigureAwait(false);
        var aaaa = v6 is null ? null : await v6.WaitAsync(ct).ConfigureAwait(false);
        return Combine(a, aaaa);
    }

    /// <summary>
    /// Reverse lookup. The caller refuses internal addresses first, as C tor does (tor_addr_is_internal), and answers
    /// a RELAY_RESOLVE for a malformed reverse name with an error.
    /// </summary>
    public async ValueTask<DnsAnswer> ResolvePtrAsync(IPAddress address, CancellationToken ct)
    {
        var result = await GetAsync(PtrQueryName.For(address), DnsRecordType.Ptr).AsTask().WaitAsync(ct).ConfigureAwait(false);
        return new DnsAnswer(DnsAnswer.StatusOf(result.Outcome), result.Outcome, [], result.Hostname, result.Ttl);
    }

    public void Dispose()
    {
        _retryTimer.Dispose();
        _honestyTimer.Dispose();
        _testAddressTimer.Dispose();
        _stopping.Cancel(); // not disposed: lookups still finishing read its token
    }

    /// <summary>C tor answers with IPv4 when it has it, else IPv6; with neither, the IPv4 lookup's error.</summary>
    private static DnsAnswer Combine(DnsLookupResult? a, DnsLookupResult? aaaa)
    {
        var addresses = new List<DnsAddress>();
        foreach (var result in (ReadOnlySpan<DnsLookupResult?>)[a, aaaa])
        {
            if (result is { Outcome: DnsOutcome.Success })
                addresses.AddRange(result.Addresses.Select(address => new DnsAddress(address, result.Ttl)));
        }
        var chosen = a is { Outcome: DnsOutcome.Success } ? a : aaaa is { Outcome: DnsOutcome.Success } ? aaaa : a ?? aaaa!;
        return new DnsAnswer(DnsAnswer.StatusOf(chosen.Outcome), chosen.Outcome, addresses, null, chosen.Ttl);
    }

    /// <summary>A cached answer, the lookup already in flight for the same key, or a new lookup.</summary>
    private ValueTask<DnsLookupResult> GetAsync(string name, DnsRecordType type)
    {
        var key = (name, type);
        TaskCompletionSource<DnsLookupResult> started;
        lock (_lock)
        {
            if (_cache.TryGet(key, _time.GetTimestamp(), out var cached)) return ValueTask.FromResult(cached);
            if (_inflight.TryGetValue(key, out var pending)) return new ValueTask<DnsLookupResult>(pending);
            started = new TaskCompletionSource<DnsLookupResult>(TaskCreationOptions.RunContinuationsAsynchronously);
            _inflight[key] = started.Task;
        }
        _ = RunAsync(key, started);
        return new ValueTask<DnsLookupResult>(started.Task);
    }

    private async Task RunAsync((string Name, DnsRecordType Type) key, TaskCompletionSource<DnsLookupResult> completion)
    {
        DnsLookupResult result;
        bool cache = true;
        try
        {
            result = await LookupAsync(key.Name, key.Type).ConfigureAwait(false);
            cache = result.Outcome != DnsOutcome.Shutdown && result.Outcome != DnsOutcome.Cancel;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogLookupFailed(_log, e);
            result = new DnsLookupResult(DnsOutcome.Unknown, [], null, DnsTtl.Min);
            cache = false;
        }
        catch (OperationCanceledException)
        {
            result = new DnsLookupResult(DnsOutcome.Shutdown, [], null, DnsTtl.Min);
            cache = false;
        }
        lock (_lock)
        {
            _inflight.Remove(key);
            if (cache)
            {
                long now = _time.GetTimestamp();
                _cache.Add(key, result, now + (long)result.Ttl * _time.TimestampFrequency, now);
            }
        }
        completion.SetResult(result);
    }

    private async Task<DnsLookupResult> LookupAsync(string name, DnsRecordType type)
    {
        var config = CurrentConfig();
        if (config.Conf is null) return new DnsLookupResult(DnsOutcome.Cancel, [], null, DnsTtl.Min); // C tor: -1, not cached
        string record = DnsMetricLabels.Record(type);
        _metrics.Query(record);
        var (outcome, response) = await _client.LookupAsync(config.Conf, name, type, _stopping.Token).ConfigureAwait(false);
        if (outcome == DnsOutcome.Success && response!.Addresses is [var first, ..] && IsHijacked(name, first))
            outcome = DnsOutcome.NotExist; // counted, cached and answered as C tor does: DNS_ERR_NOTEXIST
        _metrics.Error(record, outcome.MetricReason());
        uint ttl = DnsTtl.ClipFuzzy(response?.Ttl ?? 0, _random);
        return outcome == DnsOutcome.Success
            ? new DnsLookupResult(outcome, response!.Addresses, response.Hostname, ttl)
            : new DnsLookupResult(outcome, [], null, ttl);
    }

    /// <summary>The configuration, reread first when it is broken and the last try is a second old.</summary>
    private NameserverConfig CurrentConfig()
    {
        if (IsConfigBroken && _time.GetElapsedTime(Interlocked.Read(ref _lastLoad)) >= OnDemandRetryInterval) Reload();
        return Volatile.Read(ref _config);
    }

    private void RetryIfBroken()
    {
        if (IsConfigBroken) Reload();
    }

    private static NameserverConfig Load(ExitResolverOptions options, ILogger log)
    {
        var config = NameserverConfig.Load(options.ResolvConfFile);
        if (config.Status == NameserverConfigStatus.Broken) return config; // logged by the caller, once per failure
        if (config.Status == NameserverConfigStatus.FellBackToLocal) LogFellBack(log, config.Error ?? "");
        foreach (string bad in config.Conf!.BadNameservers) LogBadNameserver(log, bad);
        return config.Conf.SearchDomains.Count > 0 ? config : config with { Conf = config.Conf with { SearchDomains = HostDomain() } };
    }

    /// <summary>evdns search_set_from_hostname: without a search line, the domain part of our own hostname.</summary>
    private static IReadOnlyList<string> HostDomain()
    {
        string host;
        try
        {
            host = System.Net.Dns.GetHostName();
        }
        catch (SocketException)
        {
            return [];
        }
        int dot = host.IndexOf('.');
        return dot < 0 || dot == host.Length - 1 ? [] : [host[(dot + 1)..]];
    }

    /// <summary>tor_addr_parse: a dotted quad or an IPv6 address, bracketed or not (no inet_aton shorthands).</summary>
    internal static bool TryParseLiteral(string text, out IPAddress address)
    {
        address = IPAddress.None;
        string inner = text.Length > 2 && text[0] == '[' && text[^1] == ']' ? text[1..^1] : text;
        if (inner.Contains(':'))
            return IPAddress.TryParse(inner, out address!) && address.AddressFamily == AddressFamily.InterNetworkV6;
        return inner.Count(c => c == '.') == 3 && inner.All(c => c == '.' || char.IsAsciiDigit(c)) &&
               IPAddress.TryParse(inner, out address!) && address.AddressFamily == AddressFamily.InterNetwork;
    }

    /// <summary>address_is_invalid_destination(address, 0): [A-Za-z0-9._-] only, unless non-RFC 953 names are allowed.</summary>
    internal static bool IsValidHostname(string name, bool allowNonRfc953) =>
        allowNonRfc953 || name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_');

    [LoggerMessage(Level = LogLevel.Warning, Message = "Couldn't set up any working nameservers ({Error}). Will try again soon.")]
    private static partial void LogBroken(ILogger log, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "DNS configuration readable again; resolving for clients")]
    private static partial void LogRecovered(ILogger log);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Why} - please investigate your DNS configuration. Meanwhile, falling back to local DNS at 127.0.0.1.")]
    private static partial void LogFellBack(ILogger log, string why);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Unable to parse nameserver address {Address}")]
    private static partial void LogBadNameserver(ILogger log, string address);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Rejecting an invalid destination hostname without a lookup")]
    private static partial void LogRefusedName(ILogger log);

    [LoggerMessage(Level = LogLevel.Warning, Message = "DNS lookup failed unexpectedly")]
    private static partial void LogLookupFailed(ILogger log, Exception e);
}
