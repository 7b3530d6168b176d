namespace TorRelay.TestNet;

/// <summary>
/// Runs a stream through the C tor client once it can build exit circuits, again if the client gave up on it
/// (SOCKS failure or no answer within <c>perAttempt</c>), until <c>total</c> has passed. A young private network's
/// exits re-publish their descriptors, and a stream can be caught in the gap; what is measured is the stream that
/// ran. The last failure is rethrown.
/// </summary>
public static class ClientStreams
{
    public static async Task<T> RunAsync<T>(TorNetwork network, Func<CancellationToken, Task<T>> attempt, TimeSpan total, TimeSpan perAttempt,
        CancellationToken ct = default)
    {
        var deadline = DateTimeOffset.UtcNow + total;
        while (true)
        {
            await network.WaitForClientExitPathsAsync(Max(deadline - DateTimeOffset.UtcNow, TimeSpan.FromSeconds(1)), ct).ConfigureAwait(false);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(perAttempt);
            try
            {
                return await attempt(timeout.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is Socks5.RefusedException or OperationCanceledException or IOException
                                      && !ct.IsCancellationRequested && DateTimeOffset.UtcNow + TimeSpan.FromSeconds(10) < deadline)
            {
                await Task.Delay(TimeSpan.FromSeconds(2), ct).ConfigureAwait(false);
            }
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
