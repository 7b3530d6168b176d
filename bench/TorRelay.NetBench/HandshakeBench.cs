using System.Diagnostics;
using TorRelay.Crypto;
using TorRelay.Crypto.Handshakes;
using TorRelay.Crypto.Relay;

namespace TorRelay.NetBench;

/// <summary>
/// CREATE2 ntor handshakes answered per core-second: the server side of ntor (what a relay does per CREATE2) on one
/// thread, over pre-made client onion skins, timed by the thread's CPU time.
/// </summary>
public static class HandshakeBench
{
    public static void Run(TimeSpan duration)
    {
        var identity = new byte[NtorHandshake.IdentityLength];
        SystemRandom.Instance.Fill(identity);
        using var onionKey = Curve25519KeyPair.Generate();
        var skins = new byte[1024][];
        for (int i = 0; i < skins.Length; i++)
        {
            skins[i] = new byte[NtorHandshake.OnionSkinLength];
            using var _ = NtorHandshake.ClientCreate(identity, onionKey.PublicKey, SystemRandom.Instance, skins[i]);
        }
        var reply = new byte[NtorHandshake.ReplyLength];
        var keys = new byte[RelayCryptoLayer.KeyMaterialLength + 20];
        for (int i = 0; i < 200; i++) Respond(i); // warm up the JIT

        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        long n = 0;
        while (wall.Elapsed < duration)
        {
            for (int i = 0; i < 256; i++) Respond((int)(n++ % skins.Length));
        }
        double cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        Console.WriteLine($"ntor server handshakes: {n} in {wall.Elapsed.TotalSeconds:F1} s wall, {cpuSeconds:F1} s CPU " +
                          $"=> {n / cpuSeconds:F0} per core-second");

        void Respond(int i)
        {
            if (!NtorHandshake.ServerRespond(skins[i], identity, onionKey, null, SystemRandom.Instance, reply, keys))
                throw new InvalidOperationException("handshake failed");
        }
    }
}
