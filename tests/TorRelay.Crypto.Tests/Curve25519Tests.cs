namespace TorRelay.Crypto.Tests;

public class Curve25519Tests
{
    private const string AliceSecret = "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a";
    private const string AlicePublic = "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a";
    private const string BobSecret = "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb";
    private const string BobPublic = "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f";
    private const string Shared = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";

    [Fact]
    public void PublicKeys_MatchRfc7748Section6_1()
    {
        using var alice = Curve25519KeyPair.FromSecret(Hex.D(AliceSecret));
        using var bob = Curve25519KeyPair.FromSecret(Hex.D(BobSecret));
        Assert.Equal(AlicePublic, Hex.E(alice.PublicKey));
        Assert.Equal(BobPublic, Hex.E(bob.PublicKey));
    }

    [Fact]
    public void Agreement_MatchesRfc7748Section6_1_BothWays()
    {
        using var alice = Curve25519KeyPair.FromSecret(Hex.D(AliceSecret));
        using var bob = Curve25519KeyPair.FromSecret(Hex.D(BobSecret));
        var k1 = new byte[32];
        var k2 = new byte[32];
        Assert.True(alice.TryAgree(Hex.D(BobPublic), k1));
        Assert.True(bob.TryAgree(Hex.D(AlicePublic), k2));
        Assert.Equal(Shared, Hex.E(k1));
        Assert.Equal(Shared, Hex.E(k2));
    }

    // RFC 7748 §5.2 single-step vectors (unclamped scalars, u with the high bit set in the second).
    [Theory]
    [InlineData("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
        "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c",
        "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552")]
    [InlineData("4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
        "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493",
        "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957")]
    public void Agreement_MatchesRfc7748Section5_2(string scalar, string u, string expected)
    {
        using var kp = Curve25519KeyPair.FromSecret(Hex.D(scalar));
        var output = new byte[32];
        Assert.True(kp.TryAgree(Hex.D(u), output));
        Assert.Equal(expected, Hex.E(output));
    }

    [Fact]
    public void Agreement_WithSmallOrderPoint_Fails()
    {
        using var kp = Curve25519KeyPair.Generate();
        var output = new byte[32];
        Assert.False(kp.TryAgree(new byte[32], output));
        Assert.All(output, b => Assert.Equal(0, b));
    }

    [Fact]
    public void Generate_StoresClampedSecret_AndAgreesWithPeer()
    {
        using var a = Curve25519KeyPair.Generate();
        using var b = Curve25519KeyPair.Generate();
        Assert.Equal(0, a.SecretKey[0] & 7);
        Assert.Equal(64, a.SecretKey[31] & 0xc0);
        var k1 = new byte[32];
        var k2 = new byte[32];
        Assert.True(a.TryAgree(b.PublicKey, k1));
        Assert.True(b.TryAgree(a.PublicKey, k2));
        Assert.Equal(k1, k2);
    }

    [Fact]
    public void Generate_UsesInjectedRandomness()
    {
        var fixedRandom = new FixedRandom(Hex.D(AliceSecret));
        using var kp = Curve25519KeyPair.Generate(fixedRandom);
        Assert.Equal(AlicePublic, Hex.E(kp.PublicKey));
    }

    [Fact]
    public void Disposed_SecretIsUnavailable()
    {
        var kp = Curve25519KeyPair.Generate();
        kp.Dispose();
        Assert.Throws<ObjectDisposedException>(() => kp.SecretKey.ToArray());
    }
}

internal sealed class FixedRandom(byte[] bytes) : IRandomSource
{
    public void Fill(Span<byte> destination) => bytes.AsSpan(0, destination.Length).CopyTo(destination);
}
