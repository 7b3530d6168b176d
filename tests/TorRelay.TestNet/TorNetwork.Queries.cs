using Microsoft.Extensions.Logging;

namespace TorRelay.TestNet;

public sealed partial class TorNetwork
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(2);

    /// <summary>The current consensus from the first authority that serves one.</summary>
    /// <exception cref="InvalidOperationException">No authority has a consensus yet.</exception>
    public async Task<ConsensusDocument> FetchConsensusAsync(ConsensusFlavor flavor = ConsensusFlavor.Ns,
        CancellationToken ct = default)
    {
        var errors = new List<string>();
        foreach (var authority in Authorities)
        {
            var (doc, error) = await FetchConsensusFromAsync(authority, flavor, ct).ConfigureAwait(false);
            if (doc is not null)
                return doc;
            errors.Add($"{authority.Nickname}: {error}");
        }
        throw new InvalidOperationException("no authority serves a consensus yet: " + string.Join("; ", errors));
    }

    /// <summary>Like <see cref="FetchConsensusAsync"/>, but null while no authority has one.</summary>
    public async Task<ConsensusDocument?> TryFetchConsensusAsync(ConsensusFlavor flavor = ConsensusFlavor.Ns,
        CancellationToken ct = default)
    {
        foreach (var authority in Authorities)
        {
            var (doc, _) = await FetchConsensusFromAsync(authority, flavor, ct).ConfigureAwait(false);
            if (doc is not null)
                return doc;
        }
        return null;
    }

    /// <summary>GET /tor/status-vote/current/consensus[-microdesc] from one authority's DirPort.</summary>
    public async Task<(ConsensusDocument? Document, string? Error)> FetchConsensusFromAsync(TorNode authority,
        ConsensusFlavor flavor = ConsensusFlavor.Ns, CancellationToken ct = default)
    {
        string path = flavor == ConsensusFlavor.Ns ? "consensus" : "consensus-microdesc";
        var uri = new Uri($"http://127.0.0.1:{authority.DirPort}/tor/status-vote/current/{path}");
        try
        {
            using var response = await _http.GetAsync(uri, ct).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
                return (null, $"HTTP {(int)response.StatusCode}");
            string text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            if (!ConsensusParser.TryParse(text, out var doc, out string? error))
                return (null, error);
            return doc!.Flavor == flavor ? (doc, null) : (null, $"expected a {flavor} consensus, got {doc.Flavor}");
        }
        catch (HttpRequestException e)
        {
            return (null, e.Message);
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return (null, "timed out");
        }
    }

    /// <summary>
    /// Polls the consensus until it lists <paramref name="nickname"/> with every flag in
    /// <paramref name="requiredFlags"/>; throws <see cref="TimeoutException"/> (with the node's log tail) after
    /// <paramref name="timeout"/>, or at once if the node is one of ours and its process has exited.
    /// </summary>
    public async Task<ConsensusEntry> WaitForRelayAsync(string nickname, string[] requiredFlags, TimeSpan timeout,
        CancellationToken ct = default) =>
        (await WaitForRelaysAsync([nickname], requiredFlags, timeout, ct).ConfigureAwait(false))[0];

    /// <summary><see cref="WaitForRelayAsync"/> for several relays at once; entries in the order asked.</summary>
    public async Task<IReadOnlyList<ConsensusEntry>> WaitForRelaysAsync(IReadOnlyList<string> nicknames,
        string[] requiredFlags, TimeSpan timeout, CancellationToken ct = default)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        var ours = nicknames.Select(n => _nodes.FirstOrDefault(x =>
            string.Equals(x.Nickname, n, StringComparison.OrdinalIgnoreCase))).ToArray();
        ConsensusDocument? last = null;
        while (true)
        {
            last = await TryFetchConsensusAsync(ConsensusFlavor.Ns, ct).ConfigureAwait(false) ?? last;
            var entries = nicknames.Select(n => last?.FindByNickname(n)).ToArray();
            for (int i = 0; i < ours.Length; i++)
            {
                if (ours[i] is { Fingerprint: null } node && entries[i] is { } e)
                    node.Fingerprint = e.Fingerprint;
            }
            if (entries.All(e => e is not null && e.HasFlags(requiredFlags)))
                return entries!;

            var dead = ours.FirstOrDefault(n => n?.Process is { HasExited: true });
            if (dead is not null)
                throw new InvalidOperationException($"{dead.Nickname} exited before it was listed\n{LogTail(dead)}");
            if (DateTimeOffset.UtcNow >= deadline)
                throw new TimeoutException(DescribeWait(nicknames, requiredFlags, timeout, last, ours));
            var delay = deadline - DateTimeOffset.UtcNow;
            await Task.Delay(delay < PollInterval ? delay : PollInterval, ct).ConfigureAwait(false);
        }
    }

    private string DescribeWait(IReadOnlyList<string> nicknames, string[] flags, TimeSpan timeout,
        ConsensusDocument? last, TorNode?[] ours)
    {
        var text = new System.Text.StringBuilder();
        text.Append($"not all of [{string.Join(", ", nicknames)}] listed with [{string.Join(' ', flags)}] within {timeout.TotalSeconds:F0} s; ");
        text.Append(last is null ? "no consensus was ever served" : $"consensus valid-after {last.ValidAfter:u}:");
        if (last is not null)
        {
            foreach (string n in nicknames)
                text.Append($"\n  {n}: {last.FindByNickname(n)?.ToString() ?? "not listed"}");
        }
        foreach (var node in ours.Where(n => n is not null).Distinct())
            text.Append('\n').Append(LogTail(node!, 25));
        return text.ToString();
    }

    /// <summary>
    /// The node's RSA fingerprint: known at once for C tor nodes; for our relay read from its DataDirectory's
    /// <c>fingerprint</c> file if it writes one, else looked up by nickname in the consensus.
    /// </summary>
    public async Task<string> ResolveFingerprintAsync(TorNode node, TimeSpan timeout, CancellationToken ct = default)
    {
        if (node.Fingerprint is not null)
            return node.Fingerprint;
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (DateTimeOffset.UtcNow < deadline)
        {
            node.Fingerprint ??= ReadFingerprintFile(node);
            if (node.Fingerprint is null &&
                (await TryFetchConsensusAsync(ConsensusFlavor.Ns, ct).ConfigureAwait(false))?.FindByNickname(node.Nickname) is { } e)
                node.Fingerprint = e.Fingerprint;
            if (node.Fingerprint is not null)
                return node.Fingerprint;
            await Task.Delay(PollInterval, ct).ConfigureAwait(false);
        }
        throw new TimeoutException($"fingerprint of {node.Nickname} unknown after {timeout.TotalSeconds:F0} s\n{LogTail(node)}");
    }

    /// <summary>An authenticated control connection to a C tor node.</summary>
    public Task<ControlPortClient> ConnectControlAsync(TorNode node, CancellationToken ct = default)
    {
        if (node.ControlPort == 0)
            throw new InvalidOperationException($"{node.Nickname} has no ControlPort");
        return ControlPortClient.ConnectAuthenticatedAsync(node.ControlPort, ct);
    }

    /// <summary>
    /// Waits until the client's bootstrap reaches 100 % (GETINFO status/bootstrap-phase). As TESTNET.md warns,
    /// that does not yet mean exits work.
    /// </summary>
    public async Task WaitForClientBootstrapAsync(TimeSpan timeout, CancellationToken ct = default)
    {
        var client = Client ?? throw new InvalidOperationException("the network has no client");
        var deadline = DateTimeOffset.UtcNow + timeout;
        await using var control = await ConnectControlAsync(client, ct).ConfigureAwait(false);
        string phase = "";
        while (DateTimeOffset.UtcNow < deadline)
        {
            phase = await control.GetInfoAsync("status/bootstrap-phase", ct).ConfigureAwait(false);
            if (phase.Contains("PROGRESS=100", StringComparison.Ordinal))
                return;
            await Task.Delay(PollInterval, ct).ConfigureAwait(false);
        }
        throw new TimeoutException($"client did not bootstrap within {timeout.TotalSeconds:F0} s: {phase}\n{LogTail(client)}");
    }

    /// <summary>
    /// Waits until the client can build exit circuits. C tor judges that from the exits whose descriptors it holds;
    /// while a young network's exits re-publish (bandwidth self-tests), each new consensus can leave the client
    /// without them for a while ("The current consensus has no exit nodes"), and streams wait until it has them.
    /// </summary>
    public async Task WaitForClientExitPathsAsync(TimeSpan timeout, CancellationToken ct = default)
    {
        var client = Client ?? throw new InvalidOperationException("the network has no client");
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (DateTimeOffset.UtcNow < deadline)
        {
            string log = LogFiles.ReadAll(client.NoticeLogPath);
            int none = log.LastIndexOf("has no exit nodes", StringComparison.Ordinal);
            int some = log.LastIndexOf("contains exit nodes", StringComparison.Ordinal);
            if (some > none) return;
            await Task.Delay(PollInterval, ct).ConfigureAwait(false);
        }
        throw new TimeoutException($"the client had no exit paths within {timeout.TotalSeconds:F0} s\n{LogTail(client)}");
    }

    /// <summary>Nicknames of the C tor relays and exits (not authorities, client, or our relay).</summary>
    public IReadOnlyList<string> CTorRelayNicknames => Relays.Select(n => n.Nickname).ToList();

}
