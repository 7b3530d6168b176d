using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using TorRelay.Cells.Relay;
using TorRelay.Core.Circuits;
using TorRelay.Core.Streams;
using TorRelay.Directory.Policy;

namespace TorRelay.Relay.Exit;

/// <summary>
/// The exit role's relay commands (tor-spec §6.2, §6.4): BEGIN opens a TCP connection where our exit policy allows
/// it (checked on the address actually connected to, after DNS), RESOLVE answers RESOLVED. The checks and END reasons
/// follow C tor's connection_exit_begin_conn, dns_resolve and connection_exit_connect.
/// </summary>
public sealed partial class ExitHandler(ExitSettings settings, IStreamResolver resolver, Func<byte[], bool> isKnownRelay, ILogger log,
    CancellationToken stopping) : IRelayCommandHandler
{
    /// <summary>C tor's DEFAULT_DNS_TTL: the TTL reported for an address the client gave as a literal.</summary>
    public const int LiteralAddressTtl = 30 * 60;

    private int _pending;

    /// <summary>Replaced on SIGHUP; each stream uses the settings current when it was checked.</summary>
    public ExitSettings Settings { get; set; } = settings;

    public bool TryHandle(CircuitSwitch circuits, RelayCircuit circuit, RelayCellHeader header, ReadOnlySpan<byte> body, bool relayEarly)
    {
        switch (header.Command)
        {
            case RelayCommand.Begin:
                HandleBegin(circuits, circuit, header, body);
                return true;
            case RelayCommand.Resolve:
                HandleResolve(circuits, circuit, header, body);
                return true;
            default:
                return false;
        }
    }

    private void HandleBegin(CircuitSwitch circuits, RelayCircuit circuit, RelayCellHeader header, ReadOnlySpan<byte> body)
    {
        // C tor drops a BEGIN without a stream ID or for a stream that exists ("Begin cell for known stream").
        if (header.StreamId == 0 || circuit.HasStream(header.StreamId)) return;
        if (!RelayCellHeader.TryGetData(body, out var data) || !BeginMessage.TryDecode(data, out var begin, out _))
        {
            Refuse(circuits, circuit, header.StreamId, EndReason.TorProtocol);
            return;
        }
        // No single-hop exiting: clients must not use us as a one-hop proxy, nor unknown relays (RefuseUnknownExits).
        if (circuit.Previous.Peer is not { } peer)
        {
            LogFirstHopStream(log);
            Refuse(circuits, circuit, header.StreamId, EndReason.TorProtocol);
            return;
        }
        if (Settings.RefuseUnknownExits && !isKnownRelay(peer.RsaFingerprint))
        {
            LogUnknownRelayStream(log, "$" + peer.Hex);
            Refuse(circuits, circuit, header.StreamId, EndReason.Misc);
            return;
        }
        bool ipv4Ok = !begin.Flags.HasFlag(BeginFlags.Ipv4NotOkay);
        bool ipv6Ok = Settings.IPv6Exit && begin.Flags.HasFlag(BeginFlags.Ipv6Okay);
        if (!ipv4Ok && !ipv6Ok)
        {
            Refuse(circuits, circuit, header.StreamId, EndReason.ExitPolicy);
            return;
        }
        if (Interlocked.Increment(ref _pending) > Settings.MaxPendingStreams)
        {
            Interlocked.Decrement(ref _pending);
            Refuse(circuits, circuit, header.StreamId, EndReason.ResourceLimit);
            return;
        }
        var stream = circuits.AcceptStream(circuit, header.StreamId);
        if (stream is null)
        {
            Interlocked.Decrement(ref _pending);
            return; // a stream ID in use: ignored, as C tor does
        }
        _ = OpenAsync(stream, begin, ipv4Ok, ipv6Ok && begin.Flags.HasFlag(BeginFlags.Ipv6Preferred), ipv6Ok);
    }

    private async Task OpenAsync(EdgeStream stream, BeginMessage begin, bool ipv4Ok, bool preferIpv6, bool ipv6Ok)
    {
        IPEndPoint destination;
        int ttl;
        try
        {
            var chosen = await ChooseAddressAsync(stream, begin, ipv4Ok, ipv6Ok, preferIpv6).ConfigureAwait(false);
            if (chosen is null) return;
            (destination, ttl) = chosen.Value;
        }
        finally
        {
            Interlocked.Decrement(ref _pending);
        }
        if (Settings.Policy.Evaluate(destination.Address, (ushort)destination.Port) != PolicyResult.Accepted)
        {
            LogPolicyRefused(log, destination.Port);
            await stream.EndAsync(new EndMessage(EndReason.ExitPolicy, destination.Address, ttl)).ConfigureAwait(false);
            return;
        }
        try
        {
            await ExitConnection.RunAsync(stream, destination, ttl, Settings, log, stopping).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A local failure (e.g. an OutboundBindAddressExit we cannot bind): the client must still hear of it.
            LogStreamFailed(log, stream.Id, e.Message);
            await stream.EndAsync(e is SocketException se ? StreamEndReasons.FromSocketError(se.SocketErrorCode) : EndReason.Internal)
                .ConfigureAwait(false);
        }
    }

    /// <summary>The address to connect to: the literal the client sent, or what DNS answers; null after an END.</summary>
    private async Task<(IPEndPoint, int)?> ChooseAddressAsync(EdgeStream stream, BeginMessage begin, bool ipv4Ok, bool ipv6Ok, bool preferIpv6)
    {
        string host = begin.Address.StartsWith('[') && begin.Address.EndsWith(']') ? begin.Address[1..^1] : begin.Address;
        if (IPAddress.TryParse(host, out var literal))
            return (new IPEndPoint(literal, begin.Port), LiteralAddressTtl);
        // A hostname: a non-exit does no lookups, and reverse names are for RESOLVE only (C tor's dns_resolve_impl).
        if (Settings.Policy.IsRejectStar || ReverseName.IsReverseName(host))
        {
            await stream.EndAsync(EndReason.ResolveFailed).ConfigureAwait(false);
            return null;
        }
        StreamLookup answer;
        try
        {
            answer = await resolver.LookupAsync(host, ipv4Ok, ipv6Ok, stream.EndedToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return null; // the client gave up
        }
        catch (Exception e)
        {
            LogStreamFailed(log, stream.Id, e.Message);
            await stream.EndAsync(EndReason.ResolveFailed).ConfigureAwait(false);
            return null;
        }
        var candidates = answer.Addresses
            .Where(a => a.Address.AddressFamily == AddressFamily.InterNetwork ? ipv4Ok : ipv6Ok)
            .OrderBy(a => (a.Address.AddressFamily == AddressFamily.InterNetworkV6) == preferIpv6 ? 0 : 1)
            .ToList();
        if (answer.Status != StreamLookupStatus.Ok || candidates.Count == 0)
        {
            await stream.EndAsync(EndReason.ResolveFailed).ConfigureAwait(false);
            return null;
        }
        var (address, ttl) = candidates[0];
        return (new IPEndPoint(address, begin.Port), ttl);
    }

    private void HandleResolve(CircuitSwitch circuits, RelayCircuit circuit, RelayCellHeader header, ReadOnlySpan<byte> body)
    {
        if (header.StreamId == 0 || circuit.HasStream(header.StreamId)) return; // C tor drops these
        // C tor never ENDs a RESOLVE: a name it cannot use gets a RESOLVED error.
        string name = RelayCellHeader.TryGetData(body, out var data) && ResolveMessage.TryDecode(data, out var resolve, out _)
            ? resolve.Hostname.ToLowerInvariant() : "";
        _ = ResolveAsync(circuits, circuit, header.StreamId, name);
    }

    private async Task ResolveAsync(CircuitSwitch circuits, RelayCircuit circuit, ushort streamId, string name)
    {
        ResolvedAnswer[] answers;
        try
        {
            answers = await AnswerAsync(name).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return; // shutting down
        }
        catch (Exception e)
        {
            LogStreamFailed(log, streamId, e.Message);
            answers = [ResolvedAnswer.Error(transient: true)];
        }
        var body = new byte[RelayCellHeader.MaxDataLength];
        int n = new ResolvedMessage(answers).EncodeTo(body);
        await circuits.SendRelayAsync(circuit, RelayCommand.Resolved, streamId, body.AsMemory(0, n)).ConfigureAwait(false);
    }

    private async Task<ResolvedAnswer[]> AnswerAsync(string name)
    {
        if (name.Length == 0) return [ResolvedAnswer.Error(transient: false)];
        if (IPAddress.TryParse(name.Trim('[', ']'), out var literal)) return [ResolvedAnswer.FromAddress(literal, LiteralAddressTtl)];
        if (Settings.Policy.IsRejectStar) return [ResolvedAnswer.Error(transient: false)]; // a non-exit does no lookups
        if (ReverseName.IsReverseName(name))
        {
            return ReverseName.TryParse(name, out var address) && !InternalAddress.Is(address)
                ? ToAnswers(await resolver.ReverseAsync(address, stopping).ConfigureAwait(false))
                : [ResolvedAnswer.Error(transient: false)];
        }
        return ToAnswers(await resolver.LookupAsync(name, ipv4: true, ipv6: Settings.IPv6Exit, stopping).ConfigureAwait(false));
    }

    private static ResolvedAnswer[] ToAnswers(StreamLookup lookup) => lookup.Status switch
    {
        StreamLookupStatus.Ok when lookup.Hostname is not null => [ResolvedAnswer.FromHostname(lookup.Hostname, (uint)lookup.HostnameTtl)],
        StreamLookupStatus.Ok when lookup.Addresses.Count > 0 =>
            lookup.Addresses.Take(RelayCellHeader.MaxDataLength / 22).Select(a => ResolvedAnswer.FromAddress(a.Address, (uint)a.Ttl)).ToArray(),
        StreamLookupStatus.TransientError => [ResolvedAnswer.Error(transient: true)],
        _ => [ResolvedAnswer.Error(transient: false)],
    };

    private static void Refuse(CircuitSwitch circuits, RelayCircuit circuit, ushort streamId, EndReason reason) =>
        _ = circuits.SendRelayAsync(circuit, RelayCommand.End, streamId, new[] { (byte)reason });

    [LoggerMessage(Level = LogLevel.Warning, Message = "Exit stream {StreamId} failed: {Error}")]
    private static partial void LogStreamFailed(ILogger log, ushort streamId, string error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Refused a stream on the first hop of a client's circuit (no single-hop exiting)")]
    private static partial void LogFirstHopStream(ILogger log);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Refused a stream from unknown relay {Peer} (RefuseUnknownExits)")]
    private static partial void LogUnknownRelayStream(ILogger log, string peer);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Refused a stream to port {Port}: our exit policy rejects its address")]
    private static partial void LogPolicyRefused(ILogger log, int port);
}
