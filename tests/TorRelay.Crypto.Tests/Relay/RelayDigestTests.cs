using System.Security.Cryptography;
using TorRelay.Crypto.Relay;

namespace TorRelay.Crypto.Tests.Relay;

public class RelayDigestTests
{
    [Fact]
    public void Current_digest_is_sha1_of_everything_added_and_does_not_finalise()
    {
        var part1 = new byte[509];
        var part2 = new byte[300];
        new Random(7).NextBytes(part1);
        new Random(8).NextBytes(part2);
        using var d = new RelayDigest("seed-seed-seed-seed!"u8);
        var current = new byte[20];

        d.Add(part1);
        d.GetCurrent(current);
        Assert.Equal(Hex.E(SHA1.HashData([.. "seed-seed-seed-seed!"u8, .. part1])), Hex.E(current));

        d.Add(part2);
        d.GetCurrent(current);
        Assert.Equal(Hex.E(SHA1.HashData([.. "seed-seed-seed-seed!"u8, .. part1, .. part2])), Hex.E(current));
    }

    [Fact]
    public void Restoring_a_saved_state_undoes_later_additions()
    {
        using var d = new RelayDigest();
        d.Add("abc"u8);
        var saved = new byte[RelayDigest.StateLength];
        d.SaveState(saved);
        d.Add("junk"u8);
        d.RestoreState(saved);
        var current = new byte[20];
        d.GetCurrent(current);
        Assert.Equal("a9993e364706816aba3e25717850c26c9cd0d89d", Hex.E(current)); // SHA-1("abc"), FIPS 180
    }

    [Fact]
    public void Use_after_dispose_throws()
    {
        var d = new RelayDigest();
        d.Dispose();
        Assert.Throws<ObjectDisposedException>(() => d.Add("x"u8));
    }
}
