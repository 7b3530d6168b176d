using Microsoft.Extensions.Logging.Abstractions;
using TorRelay.Cells.Circuits;
using TorRelay.Core.Circuits;
using TorRelay.Crypto;
using TorRelay.Crypto.Handshakes;
using TorRelay.Crypto.Relay;
using TorRelay.Relay.Circuits;
using TorRelay.Relay.Keys;

namespace TorRelay.Relay.Tests.Circuits;

/// <summary>
/// Congestion control negotiation in ntor-v3 at CREATE2, as C tor's negotiate_v3_ntor_server_circ_params: a client
/// asking for CC gets our cc_sendme_inc when CC is enabled, an empty extension list otherwise, and a malformed list
/// fails the handshake.
/// </summary>
public sealed class CongestionControlNegotiationTests : IDisposable
{
    private readonly string _dir = System.IO.Directory.CreateTempSubdirectory("torrelay-cc-").FullName;
    private readonly RelayKeys _keys;
    private readonly ICreateResponder _responder;

    public CongestionControlNegotiationTests()
    {
        var store = new RelayKeyStore(_dir, TimeProvider.System, NullLogger.Instance);
        _keys = store.LoadOrCreate();
        _responder = new RelayCreateResponder(store, SystemRandom.Instance);
    }

    public void Dispose() => System.IO.Directory.Delete(_dir, recursive: true);

    /// <summary>Runs the client side with <paramref name="clientMessage"/>; returns whether the relay answered and its message.</summary>
    private (bool Ok, bool Granted, byte[]? ServerMessage) Handshake(byte[] clientMessage, byte? sendmeInc)
    {
        var skin = new byte[NtorV3Handshake.OnionSkinLength(clientMessage.Length)];
        Assert.True(NtorV3Handshake.ClientCreate(_keys.MasterIdentityKey.Bytes, _keys.NtorOnionKey.PublicKey,
            NtorV3Handshake.CircuitExtendVerification, clientMessage, SystemRandom.Instance, skin, out var client));
        using (client)
        {
            var reply = new byte[509];
            var keys = new byte[RelayCryptoLayer.KeyMaterialLength];
            if (!_responder.TryRespond(HandshakeType.NtorV3, skin, sendmeInc, reply, out int length, keys, out bool granted))
                return (false, false, null);
            var clientKeys = new byte[RelayCryptoLayer.KeyMaterialLength + 20];
            Assert.True(NtorV3Handshake.ClientFinish(client, reply.AsSpan(0, length), NtorV3Handshake.CircuitExtendVerification,
                clientKeys, out var serverMessage));
            Assert.Equal(clientKeys[..RelayCryptoLayer.KeyMaterialLength], keys);
            return (true, granted, serverMessage);
        }
    }

    [Fact]
    public void ClientAskingForCongestionControlGetsOurSendmeIncrement()
    {
        var (ok, granted, message) = Handshake(CongestionControlExtension.Request.ToArray(), sendmeInc: 31);
        Assert.True(ok);
        Assert.True(granted);
        // One field: type 2 (CC response), length 1, sendme_inc 31 (C tor congestion_control_build_ext_response).
        Assert.Equal(new byte[] { 0x01, 0x02, 0x01, 31 }, message);
        Assert.True(CongestionControlExtension.TryParseResponse(message, out var inc));
        Assert.Equal((byte)31, inc);
    }

    [Fact]
    public void CongestionControlDisabledByConsensusAnswersWithNoExtensions()
    {
        var (ok, granted, message) = Handshake(CongestionControlExtension.Request.ToArray(), sendmeInc: null);
        Assert.True(ok);
        Assert.False(granted);
        Assert.Equal(new byte[] { 0x00 }, message);
    }

    [Fact]
    public void ClientNotAskingGetsNoCongestionControl()
    {
        var (ok, granted, message) = Handshake(CongestionControlExtension.Empty.ToArray(), sendmeInc: 31);
        Assert.True(ok);
        Assert.False(granted);
        Assert.Equal(new byte[] { 0x00 }, message);
    }

    [Fact]
    public void MalformedExtensionListFailsTheHandshake()
    {
        // Two fields announced, one present.
        var (ok, granted, _) = Handshake([0x02, 0x01, 0x00], sendmeInc: 31);
        Assert.False(ok);
        Assert.False(granted);
    }

    [Fact]
    public void TheOldEntryPointNeverGrantsCongestionControl()
    {
        var message = CongestionControlExtension.Request.ToArray();
        var skin = new byte[NtorV3Handshake.OnionSkinLength(message.Length)];
        Assert.True(NtorV3Handshake.ClientCreate(_keys.MasterIdentityKey.Bytes, _keys.NtorOnionKey.PublicKey,
            NtorV3Handshake.CircuitExtendVerification, message, SystemRandom.Instance, skin, out var client));
        using (client)
        {
            var reply = new byte[509];
            Assert.True(_responder.TryRespond(HandshakeType.NtorV3, skin, reply, out int length, new byte[RelayCryptoLayer.KeyMaterialLength]));
            Assert.True(NtorV3Handshake.ClientFinish(client, reply.AsSpan(0, length), NtorV3Handshake.CircuitExtendVerification,
                new byte[92], out var serverMessage));
            Assert.Equal(new byte[] { 0x00 }, serverMessage);
        }
    }
}
