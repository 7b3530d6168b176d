using TorRelay.Cells.Circuits;
using TorRelay.Core.Circuits;
using TorRelay.Crypto;
using TorRelay.Crypto.Handshakes;
using TorRelay.Crypto.Relay;
using TorRelay.Relay.Keys;

namespace TorRelay.Relay.Circuits;

/// <summary>
/// Answers ntor (type 2) and ntor-v3 (type 3) onion skins with our current or previous onion key. In ntor-v3 the
/// client's extensions are read as C tor's negotiate_v3_ntor_server_circ_params does: a malformed list fails the
/// handshake; a congestion-control request is granted with the consensus cc_sendme_inc when CC is enabled.
/// </summary>
public sealed class RelayCreateResponder(RelayKeyStore keys, IRandomSource random) : ICreateResponder
{
    // ntor and ntor-v3 give 72 bytes for tor1 and 20 more (KH) that only onion services use.
    private const int KeyMaterialWithNonce = RelayCryptoLayer.KeyMaterialLength + 20;

    public bool TryRespond(HandshakeType type, ReadOnlySpan<byte> onionSkin, Span<byte> reply, out int replyLength, Span<byte> keyMaterial) =>
        TryRespond(type, onionSkin, sendmeInc: null, reply, out replyLength, keyMaterial, out _);

    public bool TryRespond(HandshakeType type, ReadOnlySpan<byte> onionSkin, byte? sendmeInc, Span<byte> reply, out int replyLength,
        Span<byte> keyMaterial, out bool congestionControl)
    {
        replyLength = 0;
        congestionControl = false;
        var k = keys.Current;
        Span<byte> material = stackalloc byte[KeyMaterialWithNonce];
        try
        {
            switch (type)
            {
                case HandshakeType.Ntor:
                    if (onionSkin.Length != NtorHandshake.OnionSkinLength) return false;
                    if (!NtorHandshake.ServerRespond(onionSkin, k.Identity.PublicKey.Fingerprint, k.NtorOnionKey, k.PreviousNtorOnionKey,
                            random, reply[..NtorHandshake.ReplyLength], material)) return false;
                    replyLength = NtorHandshake.ReplyLength;
                    break;
                case HandshakeType.NtorV3:
                    if (!NtorV3Handshake.ServerAccept(onionSkin, k.MasterIdentityKey.Bytes, k.NtorOnionKey, k.PreviousNtorOnionKey,
                            NtorV3Handshake.CircuitExtendVerification, out var state)) return false;
                    using (state)
                    {
                        if (!CongestionControlExtension.TryParseRequest(state!.ClientMessage, out bool requested)) return false;
                        congestionControl = requested && sendmeInc is not null;
                        Span<byte> message = stackalloc byte[4];
                        message = message[..CongestionControlExtension.EncodeResponse(congestionControl ? sendmeInc : null, message)];
                        int length = NtorV3Handshake.ReplyLength(message.Length);
                        if (!NtorV3Handshake.ServerRespond(state!, NtorV3Handshake.CircuitExtendVerification, message, random,
                                reply[..length], material)) return false;
                        replyLength = length;
                    }
                    break;
                default:
                    return false;
            }
            material[..RelayCryptoLayer.KeyMaterialLength].CopyTo(keyMaterial);
            return true;
        }
        finally
        {
            material.Clear();
        }
    }
}
