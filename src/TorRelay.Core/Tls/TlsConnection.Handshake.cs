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
        // Cancelling closes the socket rather than being passed to its operations: a socket keeps the registration
        // of the last token its receive or send operation was given, and with it the caller's (linked) token source,
        // for as long as the connection lives.
        using var abort = cancellationToken.UnsafeRegister(static s => ((Socket)s!).Dispose(), socket);
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
                await SendCiphertextAsync(socket, session).ConfigureAwait(false);
                if (status == SslStatus.Ok)
                    break;
                buffer = Rent<byte>(ReceiveBufferSize);
                int n = await socket.ReceiveAsync(buffer.AsMemory(0, ReceiveBufferSize), SocketFlags.None)
                    .ConfigureAwait(false);
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
        catch (Exception e)
        {
            session?.Dispose();
            socket.Dispose();
            if (cancellationToken.IsCancellationRequested && e is ObjectDisposedException or SocketException)
                throw new OperationCanceledException("The TLS handshake was cancelled.", e, cancellationToken);
            throw;
        }
        finally
        {
            Return(buffer);
        }
    }
}
