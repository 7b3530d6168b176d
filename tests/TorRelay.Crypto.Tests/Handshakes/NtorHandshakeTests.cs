using TorRelay.Crypto.Handshakes;

namespace TorRelay.Crypto.Tests.Handshakes;

public class NtorHandshakeTests
{
    // Test vector from Arti (crates/tor-proto/src/crypto/handshake/ntor.rs, `testvec`), made with C tor's ntor_ref.py.
    private const string BSecret = "4820544f4c4420594f5520444f474954204b454550532048415050454e494e47";
    private const string BPublic = "ccbc8541904d18af08753eae967874749e6149f873de937f57f8fd903a21c471";
    private const string XSecret = "706f6461792069207075742e2e2e2e2e2e2e2e4a454c4c59206f6e2074686973";
    private const string YSecret = "70686520737175697272656c2e2e2e2e2e2e2e2e686173206869732067616d65";
    private const string Id = "69546f6c64596f7541626f75745374616972732e";
    private const string ClientHandshake =
        "69546f6c64596f7541626f75745374616972732eccbc8541904d18af08753eae967874749e6149f873de937f57f8fd903a21c471" +
        "e65dfdbef8b2635837fe2cebc086a8096eae3213e6830dc407516083d412b078";
    private const string ServerHandshake =
        "390480a14362761d6aec1fea840f6e9e928fb2adb7b25c670be1045e35133a37" +
        "1cbdf68b89923e1f85e8e18ee6e805ea333fe4849c790ffd2670bd80fec95cc8";
    private const string Keys =
        "0c62dee7f48893370d0ef896758d35729867beef1a5121df80e00f79ed349af39b51cae125719182f19d932a667dae1afbf2e336e6910e78" +
        "22223e763afad0a13342157969dc6b79";

    [Fact]
    public void Published_vector_round_trips()
    {
        using var b = Curve25519KeyPair.FromSecret(Hex.D(BSecret));
        Assert.Equal(BPublic, Hex.E(b.PublicKey));

        var onionSkin = new byte[NtorHandshake.OnionSkinLength];
        using var state = NtorHandshake.ClientCreate(Hex.D(Id), b.PublicKey, new FixedRandom(XSecret), onionSkin);
        Assert.Equal(ClientHandshake, Hex.E(onionSkin));

        var reply = new byte[NtorHandshake.ReplyLength];
        var serverKeys = new byte[72];
        Assert.True(NtorHandshake.ServerRespond(onionSkin, Hex.D(Id), b, null, new FixedRandom(YSecret), reply, serverKeys));
        Assert.Equal(ServerHandshake, Hex.E(reply));
        Assert.Equal(Keys, Hex.E(serverKeys));

        var clientKeys = new byte[72];
        Assert.True(NtorHandshake.ClientFinish(state, reply, clientKeys));
        Assert.Equal(Keys, Hex.E(clientKeys));
    }

    [Fact]
    public void Relay_answers_with_the_previous_onion_key_named_by_keyid()
    {
        using var current = Curve25519KeyPair.Generate();
        using var previous = Curve25519KeyPair.Generate();
        var id = new byte[20];
        id[0] = 12;
        var skin = new byte[84];
        using var state = NtorHandshake.ClientCreate(id, previous.PublicKey, SystemRandom.Instance, skin);
        var reply = new byte[64];
        var sk = new byte[92];
        Assert.True(NtorHandshake.ServerRespond(skin, id, current, previous, SystemRandom.Instance, reply, sk));
        var ck = new byte[92];
        Assert.True(NtorHandshake.ClientFinish(state, reply, ck));
        Assert.Equal(Hex.E(sk), Hex.E(ck));
    }

    [Fact]
    public void Relay_rejects_wrong_identity_unknown_key_and_bad_length()
    {
        using var current = Curve25519KeyPair.Generate();
        using var other = Curve25519KeyPair.Generate();
        var id = Enumerable.Repeat((byte)12, 20).ToArray();
        var wrongId = Enumerable.Repeat((byte)13, 20).ToArray();
        var reply = new byte[64];
        var keys = new byte[72];

        var skin = new byte[84];
        using (NtorHandshake.ClientCreate(wrongId, current.PublicKey, SystemRandom.Instance, skin)) { }
        Assert.False(NtorHandshake.ServerRespond(skin, id, current, null, SystemRandom.Instance, reply, keys));

        using (NtorHandshake.ClientCreate(id, other.PublicKey, SystemRandom.Instance, skin)) { }
        Assert.False(NtorHandshake.ServerRespond(skin, id, current, null, SystemRandom.Instance, reply, keys));

        Assert.False(NtorHandshake.ServerRespond(skin.AsSpan(0, 83), id, current, null, SystemRandom.Instance, reply, keys));
    }

    [Fact]
    public void Relay_rejects_a_zero_client_key()
    {
        using var b = Curve25519KeyPair.Generate();
        var id = new byte[20];
        var skin = new byte[84];
        b.PublicKey.CopyTo(skin.AsSpan(20));
        // X = 0 is a small-order point: the DH results are all zero.
        Assert.False(NtorHandshake.ServerRespond(skin, id, b, null, SystemRandom.Instance, new byte[64], new byte[72]));
    }

    [Fact]
    public void Client_rejects_a_tampered_reply()
    {
        using var b = Curve25519KeyPair.Generate();
        var id = new byte[20];
        var skin = new byte[84];
        using var state = NtorHandshake.ClientCreate(id, b.PublicKey, SystemRandom.Instance, skin);
        var reply = new byte[64];
        Assert.True(NtorHandshake.ServerRespond(skin, id, b, null, SystemRandom.Instance, reply, new byte[72]));
        reply[60] ^= 7;
        Assert.False(NtorHandshake.ClientFinish(state, reply, new byte[72]));
        Assert.False(NtorHandshake.ClientFinish(state, reply.AsSpan(0, 63), new byte[72]));
    }
}
