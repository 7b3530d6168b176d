using System.Net;
using Microsoft.Extensions.Logging;
using TorRelay.Cells.Link;
using TorRelay.Cells.Relay;
using TorRelay.Core.Channels;
using TorRelay.Core.Circuits;
using TorRelay.Directory.Policy;

namespace TorRelay.Relay.Circuits;

/// <summary>
/// EXTEND2 (tor-spec §5.1.2): checks the request, reuses or opens an authenticated channel to the named relay, sends
/// CREATE2 and answers EXTENDED2 — or destroys the circuit, as C tor does, when the request is refused or the next hop
/// cannot be reached.
/// </summary>
public sealed partial class ExtendHandler(ChannelManager channels, Func<byte[]> ourRsaIdentity, bool allowPrivateAddresses,
    ILogger log, CancellationToken stopping) : IRelayCommandHandler
{
    public bool TryHandle(CircuitSwitch circuits, RelayCircuit circuit, RelayCellHeader header, ReadOnlySpan<byte> body, bool relayEarly)
    {
        if (header.Command != RelayCommand.Extend2) return false;
        string? refusal = Check(circuit, header, body, relayEarly, out var request);
        if (refusal is not null)
        {
            LogRefused(log, circuit.Previous.Describe(), refusal);
            _ = circuits.CloseAsync(circuit, DestroyReason.Protocol);
            return true;
        }
        _ = ExtendAsync(circuits, circuit, request);
        return true;
    }

    private string? Check(RelayCircuit circuit, RelayCellHeader header, ReadOnlySpan<byte> body, bool relayEarly, out Extend2Message request)
    {
        request = default;
        if (!relayEarly) return "EXTEND2 not in a RELAY_EARLY cell";
        if (circuit.Next is not null || circuit.PendingCreated is not null) return "circuit already extended";
        if (!RelayCellHeader.TryGetData(body, out var data)) return "relay cell length exceeds its body";
        if (!Extend2Message.TryDecode(data, out request, out var error)) return $"malformed EXTEND2 ({error})";
        var rsa = request.RsaIdentity.Span;
        if (rsa.Length != 20) return "EXTEND2 without an RSA identity";
        if (rsa.SequenceEqual(ourRsaIdentity())) return "asked to extend to ourselves";
        if (circuit.Previous.Peer is { } prev && rsa.SequenceEqual(prev.RsaFingerprint)) return "asked to extend back to the previous hop";
        var endpoint = request.Ipv4EndPoint ?? request.Ipv6EndPoint;
        if (endpoint is null) return "EXTEND2 without an address";
        if (!allowPrivateAddresses && InternalAddress.Is(endpoint.Address)) return "asked to extend to a private address";
        return null;
    }

    private async Task ExtendAsync(CircuitSwitch circuits, RelayCircuit circuit, Extend2Message request)
    {
        var endpoint = (request.Ipv4EndPoint ?? request.Ipv6EndPoint)!;
        var rsa = request.RsaIdentity.ToArray();
        var ed = request.Ed25519Identity;
        byte[]? reply = null;
        try
        {
            var next = await channels.GetOrOpenAsync(endpoint, rsa, stopping).ConfigureAwait(false);
            if (ed.Length == 32 && !next.Peer!.Ed25519Key.Bytes.AsSpan().SequenceEqual(ed.Span))
                LogRefused(log, circuit.Previous.Describe(), "ed25519 identity of the next hop does not match");
            else
                reply = await circuits.ExtendAsync(circuit, next, request.HandshakeType, request.HandshakeData, stopping).ConfigureAwait(false);
        }
        catch (Exception e) when (e is LinkHandshakeException or TlsFailure or IOException or System.Net.Sockets.SocketException
                                      or OperationCanceledException)
        {
            LogConnectFailed(log, Convert.ToHexString(rsa), e.Message);
        }
        if (reply is null)
        {
            await circuits.CloseAsync(circuit, DestroyReason.ConnectFailed).ConfigureAwait(false);
            return;
        }
        var message = new byte[2 + reply.Length];
        new Extended2Message(reply).EncodeTo(message);
        await circuits.SendRelayAsync(circuit, RelayCommand.Extended2, 0, message).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Refused an EXTEND2 from {Peer}: {Reason}")]
    private static partial void LogRefused(ILogger log, string peer, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Could not extend to ${Fingerprint}: {Reason}")]
    private static partial void LogConnectFailed(ILogger log, string fingerprint, string reason);
}
