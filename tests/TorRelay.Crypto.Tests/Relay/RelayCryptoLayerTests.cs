using System.Security.Cryptography;
using System.Text;
using TorRelay.Crypto.Relay;

namespace TorRelay.Crypto.Tests.Relay;

public class RelayCryptoLayerTests
{
    // KEY_MATERIAL from C tor src/test/test_relaycrypt.c (72 bytes each).
    private static readonly string[] KeyMaterial =
    [
        "    'My public key is in this signed x509 object', said Tom assertively.",
        "'Let's chart the pedal phlanges in the tomb', said Tom cryptographically",
        "     'Segmentation fault bugs don't _just happen_', said Tom seethingly.",
    ];

    private static byte[] Km(int i) => Encoding.ASCII.GetBytes(KeyMaterial[i])[..RelayCryptoLayer.KeyMaterialLength];

    /// <summary>A DATA cell on stream i+1 carrying "cell i", recognized and digest zero.</summary>
    private static byte[] DataCell(int i)
    {
        var body = new byte[509];
        var msg = Encoding.ASCII.GetBytes($"cell {i}");
        body[0] = 2;
        body[4] = (byte)(i + 1);
        body[10] = (byte)msg.Length;
        msg.CopyTo(body, 11);
        return body;
    }

    // Reference computed independently with Python's hashlib + `cryptography` AES-CTR from KEY_MATERIAL[0]:
    // SHA-256 of each encrypted cell, and the running forward digest after each.
    private static readonly string[] ExpectedCipherSha256 =
    [
        "43d3ee28e6810335a9eeedd13027e44a66c7871f49042b649333bd518f6a0891",
        "fa1c8fe423a858ea163a83b2dfd841c4ac81110f039f0e4610315252a90dc46c",
        "2b17fa4ac50de6520304bf47e00a238e105434f49a85b9b950791ff8e8873047",
    ];
    private static readonly string[] ExpectedForwardDigest =
    [
        "0464ed290d72c5d8214360767b401b45e3095c36",
        "e2c363316fc70254ef1109f2ebd6d59257390892",
        "486b2473eafba2be5d44149fa893e8da41279ddb",
    ];

    [Fact]
    public void Origin_encryption_matches_reference_and_relay_recognizes_it()
    {
        using var origin = new RelayCryptoLayer(Km(0));
        using var relay = new RelayCryptoLayer(Km(0));
        for (int i = 0; i < 3; i++)
        {
            var cell = DataCell(i);
            origin.EncryptForward(cell, isDestination: true);
            Assert.Equal(ExpectedCipherSha256[i], Hex.E(SHA256.HashData(cell)));
            Assert.Equal(ExpectedForwardDigest[i], Hex.E(origin.LastForwardDigest));

            Assert.True(relay.DecryptForward(cell));
            Assert.Equal(Hex.E(DataCell(i)), Hex.E(cell)); // digest field left zeroed, as C tor does
            Assert.Equal(ExpectedForwardDigest[i], Hex.E(relay.LastForwardDigest));
        }
    }

    [Fact]
    public void Outbound_cells_are_recognized_only_at_their_destination_hop()
    {
        using var c0 = new RelayCryptoLayer(Km(0));
        using var c1 = new RelayCryptoLayer(Km(1));
        using var c2 = new RelayCryptoLayer(Km(2));
        using var r0 = new RelayCryptoLayer(Km(0));
        using var r1 = new RelayCryptoLayer(Km(1));
        using var r2 = new RelayCryptoLayer(Km(2));
        RelayCryptoLayer[] origin = [c0, c1, c2], relays = [r0, r1, r2];
        var rng = new Random(42);

        for (int n = 0; n < 200; n++)
        {
            int target = n % 5 == 0 ? 1 : n % 7 == 0 ? 0 : 2;
            var orig = new byte[509];
            rng.NextBytes(orig);
            orig[1] = orig[2] = 0;
            orig.AsSpan(5, 4).Clear();
            var cell = (byte[])orig.Clone();

            for (int h = target; h >= 0; h--) origin[h].EncryptForward(cell, isDestination: h == target);
            for (int h = 0; h <= target; h++)
                Assert.Equal(h == target, relays[h].DecryptForward(cell));
            Assert.Equal(Hex.E(orig), Hex.E(cell));
        }
    }

    [Fact]
    public void Inbound_cells_are_recognized_by_the_origin_at_the_originating_hop()
    {
        using var c0 = new RelayCryptoLayer(Km(0));
        using var c1 = new RelayCryptoLayer(Km(1));
        using var c2 = new RelayCryptoLayer(Km(2));
        using var r0 = new RelayCryptoLayer(Km(0));
        using var r1 = new RelayCryptoLayer(Km(1));
        using var r2 = new RelayCryptoLayer(Km(2));
        RelayCryptoLayer[] origin = [c0, c1, c2], relays = [r0, r1, r2];
        var rng = new Random(43);

        for (int n = 0; n < 200; n++)
        {
            int source = n % 3;
            var orig = new byte[509];
            rng.NextBytes(orig);
            var cell = (byte[])orig.Clone();

            for (int h = source; h >= 0; h--) relays[h].EncryptBackward(cell, originatedHere: h == source);
            int recognizedAt = -1;
            for (int h = 0; h <= source && recognizedAt < 0; h++)
                if (origin[h].DecryptBackward(cell)) recognizedAt = h;
            Assert.Equal(source, recognizedAt);

            orig[1] = orig[2] = 0;
            orig.AsSpan(5, 4).Clear();
            Assert.Equal(Hex.E(orig), Hex.E(cell));
            Assert.Equal(Hex.E(relays[source].LastBackwardDigest), Hex.E(origin[source].LastBackwardDigest));
        }
    }

    [Fact]
    public void Digest_mismatch_restores_the_cell_and_the_running_digest()
    {
        using var origin = new RelayCryptoLayer(Km(0));
        using var relay = new RelayCryptoLayer(Km(0));

        // recognized == 0 but a wrong digest: only the cipher layer, no digest from the origin.
        var bogus = DataCell(0);
        bogus[5] = 0xde; bogus[6] = 0xad; bogus[7] = 0xbe; bogus[8] = 0xef;
        var expected = Hex.E(bogus);
        origin.EncryptForward(bogus, isDestination: false);
        Assert.False(relay.DecryptForward(bogus));
        Assert.Equal(expected, Hex.E(bogus));

        // Had the failed check advanced the digest, this real cell would not match.
        var real = DataCell(1);
        origin.EncryptForward(real, isDestination: true);
        Assert.True(relay.DecryptForward(real));
        Assert.Equal(Hex.E(origin.LastForwardDigest), Hex.E(relay.LastForwardDigest));
    }

    [Fact]
    public void Nonzero_recognized_is_never_ours_even_with_the_right_digest()
    {
        using var origin = new RelayCryptoLayer(Km(0));
        using var relay = new RelayCryptoLayer(Km(0));
        var cell = DataCell(0);
        origin.EncryptForward(cell, isDestination: true);
        cell[1] ^= 0x01; // CTR is malleable: flips recognized after decryption
        Assert.False(relay.DecryptForward(cell));
    }

    [Fact]
    public void Decrypting_into_another_buffer_leaves_the_source_alone()
    {
        using var origin = new RelayCryptoLayer(Km(1));
        using var relay = new RelayCryptoLayer(Km(1));
        var cell = DataCell(3);
        origin.EncryptForward(cell, isDestination: true);
        var source = (byte[])cell.Clone();
        var slot = new byte[514];
        Assert.True(relay.DecryptForward(source, slot.AsSpan(5)));
        Assert.Equal(Hex.E(cell), Hex.E(source));
        Assert.Equal(Hex.E(DataCell(3)), Hex.E(slot.AsSpan(5)));
    }

    [Fact]
    public void Per_cell_operations_allocate_nothing()
    {
        using var origin = new RelayCryptoLayer(Km(0));
        using var relay = new RelayCryptoLayer(Km(0));
        var cell = new byte[509];
        var slot = new byte[509];
        void Round()
        {
            Array.Clear(cell);
            origin.EncryptForward(cell, isDestination: true);
            relay.DecryptForward(cell, slot);
            relay.EncryptBackward(slot, originatedHere: true);
            origin.DecryptBackward(slot);
            relay.DecryptForward(cell); // not ours: exercises the rollback path
        }
        for (int i = 0; i < 50; i++) Round(); // warm up (tiered JIT)
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 500; i++) Round();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Rejects_short_key_material_and_short_bodies()
    {
        Assert.Throws<ArgumentException>(() => new RelayCryptoLayer(new byte[71]));
        using var layer = new RelayCryptoLayer(Km(0));
        Assert.Throws<ArgumentException>(() => layer.DecryptForward(new byte[508]));
    }
}
