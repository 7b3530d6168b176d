namespace TorRelay.Crypto.Tests;

/// <summary>crypto_random_hostname as C tor's test_crypto_rng.c checks it.</summary>
public sealed class RandomHostnameTests
{
    [Fact]
    public void Lengths_span_the_range_in_tors_base32_alphabet()
    {
        var lengths = new HashSet<int>();
        for (int i = 0; i < 2000; i++)
        {
            string name = RandomHostname.Create(SystemRandom.Instance, 8, 16, "www.", ".com");
            Assert.StartsWith("www.", name);
            Assert.EndsWith(".com", name);
            string label = name[4..^4];
            Assert.All(label, c => Assert.Contains(c, "abcdefghijklmnopqrstuvwxyz234567"));
            lengths.Add(label.Length);
        }
        Assert.Equal(Enumerable.Range(8, 9), lengths.Order());
    }

    [Fact]
    public void Zero_draws_give_the_shortest_name_of_a()
    {
        Assert.Equal("aa.invalid", RandomHostname.Create(new ConstantRandom(0), 2, 16, "", ".invalid"));
        Assert.Equal("77777777", RandomHostname.Create(new ConstantRandom(0xFF), 8, 8, "", ""));
    }

    [Fact]
    public void Clips_its_inputs_as_tor_does()
    {
        // test_crypto_rng.c: crypto_random_hostname(20000, 9000, ...) gives a 63-character label.
        Assert.Equal(63, RandomHostname.Create(SystemRandom.Instance, 20000, 9000, "", "").Length);
    }

    private sealed class ConstantRandom(byte value) : IRandomSource
    {
        public void Fill(Span<byte> destination) => destination.Fill(value);
    }
}
