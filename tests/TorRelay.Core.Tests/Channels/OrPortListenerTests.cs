using System.Net.Sockets;
using TorRelay.Core.Channels;

namespace TorRelay.Core.Tests.Channels;

public class OrPortListenerTests
{
    [Fact]
    public async Task A_connection_beyond_the_handshake_limit_waits_its_turn_instead_of_being_closed()
    {
        var ct = new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;
        var server = new TestIdentity();
        var (listener, serverManager, _) = await server.ListenAsync(ct);
        await using var _l = listener;
        await using var _s = serverManager;
        await using var clientManager = new TestIdentity().Client();

        // Connections that never start TLS hold every handshake slot (until the 30 s handshake timeout).
        var silent = new List<Socket>();
        try
        {
            for (int i = 0; i < OrPortListener.MaxConcurrentHandshakes; i++)
            {
                var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                silent.Add(s);
                await s.ConnectAsync(listener.LocalEndPoint, ct);
            }
            while (listener.HandshakesInProgress < OrPortListener.MaxConcurrentHandshakes) await Task.Delay(10, ct);

            // One more client: it stays in the listen queue (it used to be accepted and closed at once).
            var opening = clientManager.GetOrOpenAsync(listener.LocalEndPoint, server.Rsa.PublicKey.Fingerprint, ct);
            await Task.WhenAny(opening, Task.Delay(500, ct));
            Assert.False(opening.IsCompleted, opening.Exception?.GetBaseException().Message ?? "opened while every slot was held");

            // A slot frees when a silent connection goes away; the waiting client is accepted and completes its handshake.
            foreach (var s in silent) s.Dispose();
            var channel = await opening.WaitAsync(TimeSpan.FromSeconds(30), ct);
            Assert.Equal(server.Hex, channel.Peer!.Hex);
        }
        finally
        {
            foreach (var s in silent) s.Dispose();
        }
    }
}
