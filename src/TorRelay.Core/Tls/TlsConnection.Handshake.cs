using System.Net.Sockets;
using TorRelay.Crypto;

namespace TorRelay.Core.Tls;

public sealed partial class TlsConnection
{
    private static async Task<TlsConnection> HandshakeAsync(Socket socket, TlsContext context, bool isServer,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentNullException.ThrowIfNull(context);
        SslSession? session = null;
        byte[]? buffer = null; // a receive in progress; the session owns what it received
        try
        {
            if (context.IsServer != isServer)
                throw new ArgumentException(isServer ? "AcceptAsync needs a server context." : "ConnectAsync needs a client context.",
                    nameof(context));
            // C tor clients send a random SNI ("www.<4-25 random>.com") to look like a browser.
            string? serverName = isServer ? null : RandomHostname.Create(SystemRandom.Instance, 4, 25, "www.", ".com");
            session = SslSession.Create(context, isServer, serverName);
            while (true)
            {
                SslStatus status = session.Handshake();
                await SendCiphertextAsync(socket, session, cancellationToken).ConfigureAwait(false);
                if (status == SslStatus.Ok)
                    break;
                buffer = Rent<byte>(ReceiveBufferSize);
                int n = await socket.ReceiveAsync(buffer.AsMemory(0, ReceiveBufferSize), SocketFlags.None,
                    cancellationToken).ConfigureAwait(false);
                if (n == 0)
                    throw new TlsException("The peer closed the connection during the TLS handshake.");
                var received = buffer;
                buffer = null;
                session.AdoptCiphertext(received, n);
            }
            var connection = new TlsConnection(socket, session, context);
            connection.Start();
            return connection;
        }
        catch
        {
            session?.Dispose();
            socket.Dispose();
            throw;
        }
        finally
        {
            Return(buffer);
        }
    }
}
