using TorRelay.Crypto.Handshakes;

namespace TorRelay.Crypto.Tests.Handshakes;

public class CreateFastHandshakeTests
{
    // KDF-TOR(X | Y) computed independently with Python's hashlib: KH = first 20 bytes, then Df|Db|Kf|Kb.
    private const string X = "000102030405060708090a0b0c0d0e0f10111213";
    private const string Y = "6465666768696a6b6c6d6e6f7071727374757677";
    private const string Kh = "49a8a3ed63f78047a1583aff465c08c636c25088";
    private const string Keys =
        "7d80d7369e2d2de74c4b5df2c08bb237873044231f53bf72fd8a63e0e36c9752eb63e66e320a933d4d5fcaf3bd136643e646ff5a2990f244" +
        "1b946aadc9fae932c36236a1fd112b2b";

    [Fact]
    public void Vector_round_trips()
    {
        var x = new byte[20];
        CreateFastHandshake.ClientCreate(new FixedRandom(X), x);
        var reply = new byte[CreateFastHandshake.ReplyLength];
        var serverKeys = new byte[72];
        Assert.True(CreateFastHandshake.ServerRespond(x, new FixedRandom(Y), reply, serverKeys));
        Assert.Equal(Y + Kh, Hex.E(reply));
        Assert.Equal(Keys, Hex.E(serverKeys));

        var clientKeys = new byte[72];
        Assert.True(CreateFastHandshake.ClientFinish(x, reply, clientKeys));
        Assert.Equal(Keys, Hex.E(clientKeys));
    }

    [Fact]
    public void Client_rejects_a_wrong_kh()
    {
        var x = Hex.D(X);
        var reply = new byte[40];
        Assert.True(CreateFastHandshake.ServerRespond(x, SystemRandom.Instance, reply, new byte[72]));
        reply[39] ^= 0x80;
        Assert.False(CreateFastHandshake.ClientFinish(x, reply, new byte[72]));
        Assert.False(CreateFastHandshake.ServerRespond(x.AsSpan(0, 19), SystemRandom.Instance, reply, new byte[72]));
    }
}
