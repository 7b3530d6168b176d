using TorRelay.Crypto.Handshakes;

namespace TorRelay.Crypto.Tests.Handshakes;

public class NtorV3HandshakeTests
{
    // Test vector from C tor src/test/test_ntor_v3.c (test_ntor3_testvecs).
    private const string BSecret = "4051daa5921cfa2a1c27b08451324919538e79e788a81b38cbed097a5dff454a";
    private const string BPublic = "f8307a2bc1870b00b828bb74dbb8fd88e632a6375ab3bcd1ae706aaa8b6cdd1d";
    private const string RelayId = "9fad2af287ef942632833d21f946c6260c33fae6172b60006e86e4a6911753a2";
    private const string XSecret = "b825a3719147bcbe5fb1d0b0fcb9c09e51948048e2e3283d2ab7b45b5ef38b49";
    private const string YSecret = "4865a5b7689dafd978f529291c7171bc159be076b92186405d13220b80e2a053";
    private const string ClientMessage = "68656c6c6f20776f726c64";
    private const string ServerMessage = "486f6c61204d756e646f";
    private const string Verification = "78797a7a79";
    private const string ExpectClientHandshake =
        "9fad2af287ef942632833d21f946c6260c33fae6172b60006e86e4a6911753a2f8307a2bc1870b00b828bb74dbb8fd88e632a6375" +
        "ab3bcd1ae706aaa8b6cdd1d252fe9ae91264c91d4ecb8501f79d0387e34ad8ca0f7c995184f7d11d5da4f463bebd9151fd3b47c180abc9e0" +
        "44d53565f04d82bbb3bebed3d06cea65db8be9c72b68cd461942088502f67";
    private const string ExpectServerHandshake =
        "4bf4814326fdab45ad5184f5518bd7fae25dc59374062698201a50a22954246d2fc5f8773ca824542bc6cf6f57c7c29bbf4e5476461" +
        "ab130c5b18ab0a91276651202c3e1e87c0d32054c";
    private const string ExpectKeys =
        "9c19b631fd94ed86a817e01f6c80b0743a43f5faebd39cfaa8b00fa8bcc65c3bfeaa403d91acbd68a821bf6ee8504602b094a254392a0773" +
        "7d5662768c7a9fb1b2814bb34780eaee6e867c773e28c212ead563e98a1cd5d5b4576f5ee61c59bde025ff2851bb19b721421694f263818e" +
        "3531e43a9e4e3e2c661e2ad547d8984caa28ebecd3e4525452299be26b9185a20a90ce1eac20a91f2832d731b54502b09749b5a2a2949292" +
        "f8cfcbeffb790c7790ed935a9d251e7e336148ea83b063a5618fcff674a44581585fd22077ca0e52c59a24347a38d1a1ceebddbf238541f2" +
        "26b8f88d0fb9c07a1bcd2ea764bbbb5dacdaf5312a14c0b9e4f06309b0333b4a";

    [Fact]
    public void C_tor_vector_round_trips()
    {
        using var b = Curve25519KeyPair.FromSecret(Hex.D(BSecret));
        Assert.Equal(BPublic, Hex.E(b.PublicKey));
        var message = Hex.D(ClientMessage);
        var verification = Hex.D(Verification);

        var skin = new byte[NtorV3Handshake.OnionSkinLength(message.Length)];
        Assert.True(NtorV3Handshake.ClientCreate(Hex.D(RelayId), b.PublicKey, verification, message,
            new FixedRandom(XSecret), skin, out var clientState));
        using (clientState)
        {
            Assert.Equal(ExpectClientHandshake, Hex.E(skin));

            Assert.True(NtorV3Handshake.ServerAccept(skin, Hex.D(RelayId), b, null, verification, out var serverState));
            using (serverState)
            {
                Assert.Equal(ClientMessage, Hex.E(serverState.ClientMessage));
                var serverMessage = Hex.D(ServerMessage);
                var reply = new byte[NtorV3Handshake.ReplyLength(serverMessage.Length)];
                var serverKeys = new byte[256];
                Assert.True(NtorV3Handshake.ServerRespond(serverState, verification, serverMessage,
                    new FixedRandom(YSecret), reply, serverKeys));
                Assert.Equal(ExpectServerHandshake, Hex.E(reply));
                Assert.Equal(ExpectKeys, Hex.E(serverKeys));

                var clientKeys = new byte[256];
                Assert.True(NtorV3Handshake.ClientFinish(clientState, reply, verification, clientKeys, out var got));
                Assert.Equal(ServerMessage, Hex.E(got));
                Assert.Equal(ExpectKeys, Hex.E(clientKeys));
            }
        }
    }

    private sealed record Setup(Curve25519KeyPair B, byte[] Id, byte[] Skin, NtorV3ClientState Client);

    private static Setup Create(byte[] message, ReadOnlySpan<byte> verification, Curve25519KeyPair? key = null)
    {
        var b = key ?? Curve25519KeyPair.Generate();
        var id = new byte[32];
        id[3] = 9;
        var skin = new byte[NtorV3Handshake.OnionSkinLength(message.Length)];
        Assert.True(NtorV3Handshake.ClientCreate(id, b.PublicKey, verification, message, SystemRandom.Instance, skin,
            out var client));
        return new Setup(b, id, skin, client);
    }

    [Fact]
    public void Empty_messages_and_circuit_verification_work_with_the_previous_key()
    {
        using var current = Curve25519KeyPair.Generate();
        using var previous = Curve25519KeyPair.Generate();
        var s = Create([], NtorV3Handshake.CircuitExtendVerification, previous);
        Assert.True(NtorV3Handshake.ServerAccept(s.Skin, s.Id, current, previous,
            NtorV3Handshake.CircuitExtendVerification, out var server));
        Assert.Equal(0, server.ClientMessage.Length);
        var reply = new byte[NtorV3Handshake.ReplyLength(0)];
        var sk = new byte[92];
        Assert.True(NtorV3Handshake.ServerRespond(server, NtorV3Handshake.CircuitExtendVerification, [],
            SystemRandom.Instance, reply, sk));
        var ck = new byte[92];
        Assert.True(NtorV3Handshake.ClientFinish(s.Client, reply, NtorV3Handshake.CircuitExtendVerification, ck, out var msg));
        Assert.Empty(msg);
        Assert.Equal(Hex.E(sk), Hex.E(ck));
    }

    [Fact]
    public void Relay_rejects_wrong_id_unknown_key_bad_mac_wrong_verification_and_short_skins()
    {
        var verification = "v"u8.ToArray();
        var s = Create("hi"u8.ToArray(), verification);
        using var other = Curve25519KeyPair.Generate();

        var wrongId = (byte[])s.Id.Clone();
        wrongId[0] ^= 1;
        Assert.False(NtorV3Handshake.ServerAccept(s.Skin, wrongId, s.B, null, verification, out _));
        Assert.False(NtorV3Handshake.ServerAccept(s.Skin, s.Id, other, null, verification, out _));
        Assert.False(NtorV3Handshake.ServerAccept(s.Skin, s.Id, s.B, null, "w"u8, out _));
        var tampered = (byte[])s.Skin.Clone();
        tampered[96] ^= 1; // encrypted message
        Assert.False(NtorV3Handshake.ServerAccept(tampered, s.Id, s.B, null, verification, out _));
        Assert.False(NtorV3Handshake.ServerAccept(s.Skin.AsSpan(0, NtorV3Handshake.OnionSkinOverhead - 1), s.Id, s.B, null,
            verification, out _));
        Assert.True(NtorV3Handshake.ServerAccept(s.Skin, s.Id, s.B, null, verification, out var ok));
        Assert.Equal("hi", System.Text.Encoding.ASCII.GetString(ok.ClientMessage));
    }

    [Fact]
    public void Client_rejects_tampered_reply_and_wrong_verification()
    {
        var verification = "v"u8.ToArray();
        var s = Create([1, 2, 3], verification);
        Assert.True(NtorV3Handshake.ServerAccept(s.Skin, s.Id, s.B, null, verification, out var server));
        var reply = new byte[NtorV3Handshake.ReplyLength(2)];
        Assert.True(NtorV3Handshake.ServerRespond(server, verification, [7, 8], SystemRandom.Instance, reply, new byte[72]));

        var bad = (byte[])reply.Clone();
        bad[^1] ^= 1;
        Assert.False(NtorV3Handshake.ClientFinish(s.Client, bad, verification, new byte[72], out _));
        Assert.False(NtorV3Handshake.ClientFinish(s.Client, reply, "x"u8, new byte[72], out _));
        Assert.False(NtorV3Handshake.ClientFinish(s.Client, reply.AsSpan(0, 63), verification, new byte[72], out _));
        Assert.True(NtorV3Handshake.ClientFinish(s.Client, reply, verification, new byte[72], out var msg));
        Assert.Equal(new byte[] { 7, 8 }, msg);
    }
}
