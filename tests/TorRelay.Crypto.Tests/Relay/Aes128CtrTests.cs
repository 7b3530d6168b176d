using TorRelay.Crypto.Relay;

namespace TorRelay.Crypto.Tests.Relay;

public class Aes128CtrTests
{
    // NIST SP 800-38A F.5.1 CTR-AES128.Encrypt.
    private const string NistKey = "2b7e151628aed2a6abf7158809cf4f3c";
    private const string NistIv = "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";
    private const string NistPlain = "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51" +
                                     "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710";
    private const string NistCipher = "874d6191b620e3261bef6864990db6ce9806f66b7970fdff8617187bb9fffdff" +
                                      "5ae4df3edbd5d35e5b4f09020db03eab1e031dda2fbe03d1792170a0f3009cee";

    // Keystream for key 000102..0f and tor's zero IV, from Python's `cryptography` (AES-CTR).
    private const string ZeroIvKeystream300 =
        "c6a13b37878f5b826f4f8162a1c8d8797346139595c0b41e497bbde365f42d0a49d68753999ba68ce3897a686081b09db9ad2b2e346ac238" +
        "505d365e9cb7fc563063b6df0a2cdbb0851251d2c669d1bf9b82998964728141405e23dd9f1dd01bd45efc5268a9afeac1d229e7a1421662" +
        "b9322f19c62b38e9bed82bd3e67b1319a524c76df94fdd98f7d6550dd0b94a936142645a1f33235e77ec0ffbea3416086c498e34839c432c" +
        "f0fc5e3caf94f42db21b96c0e795029a6c2b96f3915c91d067a5e5bd18648f107136fc5fc5b4f606cb9c9b0fbf9e070e98f6036e8d7dc2cf" +
        "3215acd0e24cdfa7b4c3eb57e6283e64b972098e54cb97c2817be5807b64adbfd565ee30a47ff43e31f14a71bbf8beb74493ada3306ce110" +
        "f48157d8668959d73559185662f003aade70f8da";

    // The low 64 bits of the counter wrap into the high 64 bits after one block.
    private const string CarryIv = "00000000000000fffffffffffffffffe";
    private const string CarryKeystream64 =
        "2c9a10e3ac9b3dbdac7db576d610a7d565967630aeffeb0752d256a492f30099998d35f017fc11943fd2740d536b46945c0df357b05985fd" +
        "08f2eef5e58312a2";

    public static TheoryData<bool> Paths => new() { true, false };

    [Theory, MemberData(nameof(Paths))]
    public void Nist_vector_encrypts(bool hardware)
    {
        using var ctr = new Aes128Ctr(Hex.D(NistKey), Hex.D(NistIv), hardware);
        var output = new byte[64];
        ctr.Process(Hex.D(NistPlain), output);
        Assert.Equal(NistCipher, Hex.E(output));
    }

    [Theory, MemberData(nameof(Paths))]
    public void Zero_iv_keystream_matches_reference(bool hardware)
    {
        using var ctr = new Aes128Ctr(Hex.D("000102030405060708090a0b0c0d0e0f"), new byte[16], hardware);
        var output = new byte[300];
        ctr.Process(new byte[300], output);
        Assert.Equal(ZeroIvKeystream300, Hex.E(output));
    }

    [Fact]
    public void Public_constructor_uses_zero_iv()
    {
        using var ctr = new Aes128Ctr(Hex.D("000102030405060708090a0b0c0d0e0f"));
        var data = new byte[300];
        ctr.Process(data, data);
        Assert.Equal(ZeroIvKeystream300, Hex.E(data));
    }

    [Theory, MemberData(nameof(Paths))]
    public void Counter_carries_into_high_word(bool hardware)
    {
        using var ctr = new Aes128Ctr(Hex.D("000102030405060708090a0b0c0d0e0f"), Hex.D(CarryIv), hardware);
        var output = new byte[64];
        ctr.Process(new byte[64], output);
        Assert.Equal(CarryKeystream64, Hex.E(output));
    }

    [Theory, MemberData(nameof(Paths))]
    public void Streaming_in_odd_chunks_equals_one_call(bool hardware)
    {
        var rng = new Random(1234);
        var key = new byte[16];
        rng.NextBytes(key);
        var input = new byte[5000];
        rng.NextBytes(input);

        using var whole = new Aes128Ctr(key, new byte[16], hardware);
        var expected = new byte[input.Length];
        whole.Process(input, expected);

        using var chunked = new Aes128Ctr(key, new byte[16], hardware);
        var actual = (byte[])input.Clone();
        int offset = 0;
        foreach (int size in new[] { 1, 15, 16, 17, 127, 128, 129, 509, 509, 0, 3, 255, 256, 1000 })
        {
            var span = actual.AsSpan(offset, size);
            chunked.Process(span, span); // in place
            offset += size;
        }
        chunked.Process(actual.AsSpan(offset), actual.AsSpan(offset));
        Assert.Equal(Hex.E(expected), Hex.E(actual));
    }

    [Fact]
    public void Hardware_and_portable_paths_agree_on_cell_sized_runs()
    {
        var key = Hex.D(NistKey);
        using var hw = new Aes128Ctr(key, new byte[16], hardware: true);
        using var sw = new Aes128Ctr(key, new byte[16], hardware: false);
        var a = new byte[509];
        var b = new byte[509];
        for (int i = 0; i < 40; i++)
        {
            hw.Process(a, a);
            sw.Process(b, b);
            Assert.True(a.AsSpan().SequenceEqual(b));
        }
    }

    [Fact]
    public void Rejects_wrong_key_length()
    {
        Assert.Throws<ArgumentException>(() => new Aes128Ctr(new byte[15]));
        Assert.Throws<ArgumentException>(() => new Aes128Ctr(new byte[32]));
    }
}
