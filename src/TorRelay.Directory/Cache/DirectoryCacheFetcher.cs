using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TorRelay.Directory.Client;
using TorRelay.Directory.Consensus;
using TorRelay.Directory.Netdoc;

namespace TorRelay.Directory.Cache;

/// <summary>
/// Fills a <see cref="DirectoryDocumentStore"/> from the directory authorities as a C tor directory cache does: both
/// consensus flavours (each verified against the authorities' signing keys), the authority key certificates, the
/// microdescriptors and server descriptors the consensuses list that we lack (in batches, digests checked by the
/// store). <see cref="RunAsync"/> refreshes after each consensus's fresh-until, when <see cref="Wake"/> or
/// <see cref="OnConsensusUpdated"/> is called, and retries with backoff after errors, which it logs and never throws.
/// </summary>
public sealed partial class DirectoryCacheFetcher
{
    private readonly DirectoryDocumentStore _store;
    private readonly DirectoryClient _client;
    private readonly IReadOnlyList<DirectoryAuthority> _authorities;
    private readonly TimeProvider _time;
    private readonly DirectoryCacheFetcherOptions _options;
    private readonly ILogger _log;
    private readonly SemaphoreSlim _refreshing = new(1, 1);
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly Lock _wakeLock = new();

    public DirectoryCacheFetcher(DirectoryDocumentStore store, DirectoryClient client,
        IReadOnlyList<DirectoryAuthority> authorities, TimeProvider? time = null,
        DirectoryCacheFetcherOptions? options = null, ILogger<DirectoryCacheFetcher>? logger = null)
    {
        _store = store;
        _client = client;
        _authorities = authorities.Where(a => !a.IsBridgeAuthority).ToList();
        _time = time ?? TimeProvider.System;
        _options = options ?? new DirectoryCacheFetcherOptions();
        _log = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>
    /// Hands over a microdesc consensus verified elsewhere (ConsensusTracker.Updated) and wakes the loop to fetch
    /// what it lists.
    /// </summary>
    public void OnConsensusUpdated(MicrodescConsensus consensus)
    {
        _store.SetConsensus(CachedConsensus.From(consensus));
        Wake();
    }

    /// <summary>Makes <see cref="RunAsync"/> refresh now.</summary>
    public void Wake()
    {
        lock (_wakeLock)
        {
            if (_wake.CurrentCount == 0) _wake.Release();
        }
    }

    public async Task RunAsync(CancellationToken ct)
    {
        TimeSpan retry = _options.MinRetry;
        while (!ct.IsCancellationRequested)
        {
            TimeSpan wait;
            if (await RefreshAsync(ct).ConfigureAwait(false))
            {
                retry = _options.MinRetry;
                wait = NextRefreshDelay();
            }
            else
            {
                wait = retry + TimeSpan.FromMilliseconds(Random.Shared.Next(0, 1000));
                retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, _options.MaxRetry.Ticks));
                LogRetry(_log, (int)wait.TotalSeconds);
            }

            try
            {
                using var woken = CancellationTokenSource.CreateLinkedTokenSource(ct);
                Task delay = Task.Delay(wait, _time, woken.Token);
                Task wake = _wake.WaitAsync(woken.Token);
                await Task.WhenAny(delay, wake).ConfigureAwait(false);
                await woken.CancelAsync().ConfigureAwait(false);
                // Observe the loser so its cancellation is not unobserved.
                await Task.WhenAll(delay, wake).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>
    /// One pass: certificates, consensuses that are missing or past fresh-until, then missing microdescriptors and
    /// descriptors. True when both consensuses are live and every listed document is stored. Never throws except
    /// for cancellation by <paramref name="ct"/>.
    /// </summary>
    public async Task<bool> RefreshAsync(CancellationToken ct)
    {
        await _refreshing.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_store.Current.Certificates.Length == 0) await RefreshCertificatesAsync(ct).ConfigureAwait(false);
            bool ok = await FetchConsensusAsync("microdesc", ct).ConfigureAwait(false);
            ok &= await FetchConsensusAsync("ns", ct).ConfigureAwait(false);
            ok &= await FetchMicrodescriptorsAsync(ct).ConfigureAwait(false);
            ok &= await FetchDescriptorsAsync(ct).ConfigureAwait(false);
            DirectoryCacheSnapshot s = _store.Current;
            LogRefreshed(_log, s.MicrodescConsensus?.ValidAfter.ToString("u") ?? "none",
                s.NsConsensus?.ValidAfter.ToString("u") ?? "none", s.MicrodescriptorCount, s.ServerDescriptorCount);
            return ok;
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            LogUnexpected(_log, e);
            return false;
        }
        finally
        {
            _refreshing.Release();
        }
    }

    private async Task<bool> FetchConsensusAsync(string flavor, CancellationToken ct)
    {
        DateTimeOffset now = _time.GetUtcNow();
        CachedConsensus? have = _store.Current.GetConsensus(flavor);
        if (have is not null && now < have.FreshUntil) return true;
        bool refreshedCertificates = false;
        foreach (DirectoryAuthority authority in Shuffled())
        {
            DirectoryResponse response = await _client.FetchConsensusAsync(authority, flavor, ct).ConfigureAwait(false);
            if (!response.IsSuccess || response.Body is null)
            {
                LogFetchFailed(_log, flavor + " consensus", authority.Nickname, response.ToString());
                continue;
            }

            CachedConsensus? verified = Verify(flavor, response.Body, out string? error);
            if (verified is null && !refreshedCertificates)
            {
                // Perhaps a signing key we have no certificate for yet.
                refreshedCertificates = true;
                await RefreshCertificatesAsync(ct).ConfigureAwait(false);
                verified = Verify(flavor, response.Body, out error);
            }

            if (verified is null)
            {
                LogRejected(_log, flavor + " consensus", authority.Nickname, error ?? "not verified");
                continue;
            }

            if (_store.SetConsensus(verified)) LogConsensus(_log, flavor, verified.ValidAfter.ToString("u"), authority.Nickname);
            return true;
        }

        // Nothing newer to be had; what we hold still serves while it is valid.
        return have is not null && now <= have.ValidUntil;
    }

    private CachedConsensus? Verify(string flavor, string text, out string? error)
    {
        var certs = _store.Current.Certificates;
        DateTimeOffset now = _time.GetUtcNow();
        if (flavor == "ns")
        {
            if (!UnverifiedNsConsensus.TryParse(text, out var ns, out error)) return null;
            return ns!.Verify(_authorities, certs, now, out NsConsensus? v, out error, _options.ClockTolerance)
                ? CachedConsensus.From(v!)
                : null;
        }

        if (!UnverifiedMicrodescConsensus.TryParse(text, out var md, out error)) return null;
        return md!.Verify(_authorities, certs, now, out MicrodescConsensus? m, out error, _options.ClockTolerance)
            ? CachedConsensus.From(m!)
            : null;
    }

    private async Task RefreshCertificatesAsync(CancellationToken ct)
    {
        var trusted = _authorities.Where(a => a.V3Identity is { Length: 20 })
            .Select(a => NetdocFormat.Hex(a.V3Identity!)).ToHashSet(StringComparer.Ordinal);
        foreach (DirectoryAuthority authority in Shuffled())
        {
            DirectoryResponse response = await _client.FetchAuthorityCertificatesAsync(authority, cancellationToken: ct)
                .ConfigureAwait(false);
            if (!response.IsSuccess || response.Body is null)
            {
                LogFetchFailed(_log, "key certificates", authority.Nickname, response.ToString());
                continue;
            }

            if (!AuthorityCertificate.TryParseMany(response.Body, out var certs, out string? error))
            {
                LogRejected(_log, "key certificates", authority.Nickname, error ?? "unparseable");
                continue;
            }

            DateTimeOffset now = _time.GetUtcNow();
            _store.SetCertificates(certs.Where(c => trusted.Contains(NetdocFormat.Hex(c.IdentityFingerprint)))
                .Concat(_store.Current.Certificates).Where(c => c.Expires > now));
            return;
        }
    }

    private Task<bool> FetchMicrodescriptorsAsync(CancellationToken ct)
        => FetchMissingAsync("microdescriptors", () => _store.Current.MissingMicrodescriptors(),
            _options.MicrodescriptorsPerRequest,
            batch => "/tor/micro/d/" + string.Join('-', batch.Select(d => NetdocFormat.Base64NoPad(d))),
            body => _store.AddMicrodescriptors(CachedMicrodescriptor.SplitMany(body)), ct);

    private Task<bool> FetchDescriptorsAsync(CancellationToken ct)
        => FetchMissingAsync("server descriptors", () => _store.Current.MissingServerDescriptors(),
            _options.DescriptorsPerRequest,
            batch => "/tor/server/d/" + string.Join('+', batch.Select(d => NetdocFormat.Hex(d))),
            body => _store.AddServerDescriptors(CachedServerDescriptor.SplitMany(body)), ct);

    /// <summary>Fetches the missing digests in sorted batches, each from the authorities in turn until one helps.</summary>
    private async Task<bool> FetchMissingAsync(string what, Func<IReadOnlyList<byte[]>> missing, int perRequest,
        Func<IEnumerable<byte[]>, string> path, Func<string, int> store, CancellationToken ct)
    {
        var wanted = missing().Order(ResourceList.ByteComparer.Instance).ToList();
        foreach (byte[][] batch in wanted.Chunk(Math.Max(1, perRequest)))
        {
            foreach (DirectoryAuthority authority in Shuffled())
            {
                DirectoryResponse response = await _client.GetAsync(authority, path(batch), ct).ConfigureAwait(false);
                if (!response.IsSuccess || response.Body is null)
                {
                    LogFetchFailed(_log, what, authority.Nickname, response.ToString());
                    continue;
                }

                int added = store(response.Body);
                if (added > 0) break;
                LogRejected(_log, what, authority.Nickname, "none of the requested digests in the answer");
            }
        }

        int left = missing().Count;
        if (left > 0) LogStillMissing(_log, left, what);
        return left == 0;
    }

    /// <summary>A random moment in the first half between the earlier fresh-until and valid-until (dir-spec §5.1).</summary>
    private TimeSpan NextRefreshDelay()
    {
        DirectoryCacheSnapshot s = _store.Current;
        CachedConsensus? c = new[] { s.MicrodescConsensus, s.NsConsensus }.OfType<CachedConsensus>()
            .MinBy(x => x.FreshUntil);
        if (c is null) return _options.MinRetry;
        TimeSpan spread = (c.ValidUntil - c.FreshUntil) / 2;
        DateTimeOffset at = c.FreshUntil + TimeSpan.FromTicks((long)(Random.Shared.NextDouble() * spread.Ticks));
        TimeSpan delay = at - _time.GetUtcNow();
        return delay < _options.MinRetry ? _options.MinRetry : delay;
    }

    private IEnumerable<DirectoryAuthority> Shuffled() => _authorities.OrderBy(_ => Random.Shared.Next()).ToList();

    [LoggerMessage(Level = LogLevel.Information, Message = "Directory cache: could not fetch {What} from {Authority}: {Reason}")]
    private static partial void LogFetchFailed(ILogger log, string what, string authority, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Directory cache: rejected {What} from {Authority}: {Reason}")]
    private static partial void LogRejected(ILogger log, string what, string authority, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Directory cache: {Flavor} consensus valid after {ValidAfter} from {Authority}")]
    private static partial void LogConsensus(ILogger log, string flavor, string validAfter, string authority);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Directory cache: microdesc consensus {Microdesc}, ns consensus {Ns}, {Microdescriptors} microdescriptors, {Descriptors} server descriptors")]
    private static partial void LogRefreshed(ILogger log, string microdesc, string ns, int microdescriptors, int descriptors);

    [LoggerMessage(Level = LogLevel.Information, Message = "Directory cache: {Count} {What} still missing")]
    private static partial void LogStillMissing(ILogger log, int count, string what);

    [LoggerMessage(Level = LogLevel.Information, Message = "Directory cache incomplete; retrying in {Seconds} s")]
    private static partial void LogRetry(ILogger log, int seconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Directory cache refresh failed")]
    private static partial void LogUnexpected(ILogger log, Exception e);
}
