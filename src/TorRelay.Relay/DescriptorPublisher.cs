using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using TorRelay.Directory;
using TorRelay.Directory.Client;
using TorRelay.Directory.Descriptors;
using TorRelay.Relay.Metrics;

namespace TorRelay.Relay;

/// <summary>
/// Uploads our descriptor and extra-info to every configured authority (HTTP POST /tor/ on the DirPort), each with
/// retries and exponential backoff. Authorities answer 200 even to descriptors they drop, so success here only
/// means "delivered"; the consensus is what tells us we are listed.
/// </summary>
public sealed partial class DescriptorPublisher
{
    private readonly DirectoryClient _directory;
    private readonly ILogger _log;
    private readonly ResiliencePipeline<DirectoryResponse> _retry;

    private readonly RelayMetrics? _metrics;

    public DescriptorPublisher(DirectoryClient directory, TimeProvider time, ILogger log, RelayMetrics? metrics = null)
    {
        _metrics = metrics;
        _directory = directory;
        _log = log;
        _retry = new ResiliencePipelineBuilder<DirectoryResponse> { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions<DirectoryResponse>
            {
                // 4xx means the authority read and refused it: retrying the same bytes will not help.
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Result is not { } r || r.StatusCode is 0 or >= 500),
                MaxRetryAttempts = 5,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromSeconds(2),
                MaxDelay = TimeSpan.FromMinutes(2),
            })
            .Build();
    }

    /// <summary>Uploads to all authorities at once; returns how many accepted it with HTTP 200.</summary>
    public async Task<int> PublishAsync(IReadOnlyList<DirectoryAuthority> authorities, BuiltDescriptor descriptor, CancellationToken ct)
    {
        var uploads = authorities.Select(a => UploadAsync(a, descriptor, ct)).ToArray();
        var results = await Task.WhenAll(uploads).ConfigureAwait(false);
        int accepted = results.Count(ok => ok);
        if (accepted * 2 > authorities.Count) LogPublished(_log, accepted, authorities.Count);
        else LogNotPublished(_log, accepted, authorities.Count);
        return accepted;
    }

    private async Task<bool> UploadAsync(DirectoryAuthority authority, BuiltDescriptor descriptor, CancellationToken ct)
    {
        var response = await _retry.ExecuteAsync(
            async token => await _directory.UploadDescriptorAsync(authority, descriptor.UploadBody, token).ConfigureAwait(false),
            ct).ConfigureAwait(false);
        _metrics?.DescriptorUploaded(response.IsSuccess ? DescriptorUploadResult.Accepted
            : response.StatusCode is >= 400 and < 500 ? DescriptorUploadResult.Rejected : DescriptorUploadResult.Failed);
        if (response.IsSuccess) LogUploaded(_log, authority.Nickname);
        else LogRejected(_log, authority.Nickname, response.ToString());
        return response.IsSuccess;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Uploaded our descriptor to {Authority}")]
    private static partial void LogUploaded(ILogger log, string authority);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Directory authority {Authority} did not take our descriptor: {Reason}")]
    private static partial void LogRejected(ILogger log, string authority, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Uploaded our descriptor to {Accepted} of {Total} directory authorities")]
    private static partial void LogPublished(ILogger log, int accepted, int total);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Only {Accepted} of {Total} directory authorities took our descriptor; will retry")]
    private static partial void LogNotPublished(ILogger log, int accepted, int total);
}
