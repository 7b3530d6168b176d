using Microsoft.Extensions.Logging;
using TorRelay.Directory;
using TorRelay.Directory.Client;
using TorRelay.Directory.Consensus;

namespace TorRelay.Relay;

/// <summary>
/// Keeps a verified microdesc consensus: fetches it from the authorities, checks it against their signatures and the
/// configured v3 identities, and fetches again after fresh-until as tor does. Reports our own status when it changes.
/// </summary>
public sealed partial class ConsensusTracker(RelaySettings settings, DirectoryClient directory, TimeProvider time, ILogger log)
{
    private static readonly TimeSpan MinRetry = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan MaxRetry = TimeSpan.FromMinutes(10);

    private readonly List<AuthorityCertificate> _certificates = new();
    private string? _lastStatus;

    public MicrodescConsensus? Current { get; private set; }

    /// <summary>Raised after each newly verified consensus.</summary>
    public event Action<MicrodescConsensus>? Updated;

    public async Task RunAsync(byte[] ourFingerprint, CancellationToken ct)
    {
        var retry = MinRetry;
        while (!ct.IsCancellationRequested)
        {
            TimeSpan wait;
            if (await TryFetchAsync(ct).ConfigureAwait(false) is { } consensus)
            {
                retry = MinRetry;
                Current = consensus;
                ReportOurStatus(consensus, ourFingerprint);
                Updated?.Invoke(consensus);
                wait = NextFetchDelay(consensus);
            }
            else
            {
                wait = retry + TimeSpan.FromMilliseconds(Random.Shared.Next(0, 1000));
                retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, MaxRetry.Ticks));
                LogRetry(log, (int)wait.TotalSeconds);
            }
            await Task.Delay(wait, time, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Tries the authorities in random order; null if none gave a consensus we could verify.</summary>
    public async Task<MicrodescConsensus?> TryFetchAsync(CancellationToken ct)
    {
        foreach (var authority in settings.Authorities.OrderBy(_ => Random.Shared.Next()))
        {
            var response = await directory.FetchConsensusAsync(authority, "microdesc", ct).ConfigureAwait(false);
            if (!response.IsSuccess || response.Body is null)
            {
                LogFetchFailed(log, authority.Nickname, response.ToString());
                continue;
            }
            if (!UnverifiedMicrodescConsensus.TryParse(response.Body, out var unverified, out var error))
            {
                LogBadConsensus(log, authority.Nickname, error ?? "unparseable");
                continue;
            }
            var now = time.GetUtcNow();
            if (!unverified!.Verify(settings.Authorities, _certificates, now, out var consensus, out error, TimeSpan.FromMinutes(1)))
            {
                // Perhaps we lack a signing key certificate: fetch them and try once more.
                await RefreshCertificatesAsync(authority, ct).ConfigureAwait(false);
                if (!unverified.Verify(settings.Authorities, _certificates, now, out consensus, out error, TimeSpan.FromMinutes(1)))
                {
                    LogBadConsensus(log, authority.Nickname, error ?? "not verified");
                    continue;
                }
            }
            LogConsensus(log, consensus!.ValidAfter.ToString("u"), consensus.Routers.Count, authority.Nickname);
            return consensus;
        }
        return null;
    }

    private async Task RefreshCertificatesAsync(DirectoryAuthority authority, CancellationToken ct)
    {
        var response = await directory.FetchAuthorityCertificatesAsync(authority, cancellationToken: ct).ConfigureAwait(false);
        if (!response.IsSuccess || response.Body is null) return;
        if (!AuthorityCertificate.TryParseMany(response.Body, out var certs, out var error))
        {
            LogBadCertificates(log, authority.Nickname, error ?? "unparseable");
            return;
        }
        var known = settings.Authorities.Where(a => a.V3Identity is not null).Select(a => Convert.ToHexString(a.V3Identity!)).ToHashSet();
        foreach (var cert in certs)
        {
            if (!known.Contains(Convert.ToHexString(cert.IdentityFingerprint))) continue;
            if (_certificates.Any(c => c.SigningKeyDigest.AsSpan().SequenceEqual(cert.SigningKeyDigest))) continue;
            _certificates.Add(cert);
        }
        _certificates.RemoveAll(c => c.Expires < time.GetUtcNow());
    }

    /// <summary>A random moment in the first half of the interval between fresh-until and valid-until (dir-spec §5.1).</summary>
    private TimeSpan NextFetchDelay(MicrodescConsensus c)
    {
        var spread = (c.ValidUntil - c.FreshUntil) / 2;
        var at = c.FreshUntil + TimeSpan.FromTicks((long)(Random.Shared.NextDouble() * spread.Ticks));
        var delay = at - time.GetUtcNow();
        return delay < MinRetry ? MinRetry : delay;
    }

    private void ReportOurStatus(MicrodescConsensus consensus, byte[] ourFingerprint)
    {
        var entry = consensus.FindByIdentity(ourFingerprint);
        string status = entry is null ? "not listed" : "listed as " + string.Join(' ', entry.Flags.Order(StringComparer.Ordinal));
        if (status == _lastStatus) return;
        _lastStatus = status;
        if (entry is null) LogNotListed(log, consensus.ValidAfter.ToString("u"));
        else LogListed(log, string.Join(' ', entry.Flags.Order(StringComparer.Ordinal)), consensus.ValidAfter.ToString("u"));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Our relay is listed in the consensus as {Flags} (valid-after {ValidAfter})")]
    private static partial void LogListed(ILogger log, string flags, string validAfter);

    [LoggerMessage(Level = LogLevel.Information, Message = "Our relay is not listed in the consensus valid after {ValidAfter}")]
    private static partial void LogNotListed(ILogger log, string validAfter);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Verified consensus valid after {ValidAfter} with {Count} relays from {Authority}")]
    private static partial void LogConsensus(ILogger log, string validAfter, int count, string authority);

    [LoggerMessage(Level = LogLevel.Information, Message = "Could not fetch the consensus from {Authority}: {Reason}")]
    private static partial void LogFetchFailed(ILogger log, string authority, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected the consensus from {Authority}: {Reason}")]
    private static partial void LogBadConsensus(ILogger log, string authority, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected authority certificates from {Authority}: {Reason}")]
    private static partial void LogBadCertificates(ILogger log, string authority, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No usable consensus from any directory authority; retrying in {Seconds} s")]
    private static partial void LogRetry(ILogger log, int seconds);
}
