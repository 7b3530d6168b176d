using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace TorRelay.Relay.Exit.Dns;

/// <summary>One query on the wire and what it was sent as, to check the answer against.</summary>
internal sealed record SentQuery(byte[] Packet, ushort Id, byte[] Name, DnsRecordType Type, bool ExactCase);

/// <summary>What one exchange with one nameserver gave: a response, a malformed reply, or nothing in time.</summary>
internal readonly record struct ExchangeResult(DnsResponse? Response, bool Malformed)
{
    public static readonly ExchangeResult NoReply = new(null, false);
}

/// <summary>
/// Sends a query to one nameserver and waits, under a deadline from the injected clock, for its answer: over UDP from a
/// fresh socket per query (a random source port, and the connected socket drops datagrams from other addresses), or
/// over TCP with the RFC 1035 §4.2.2 length prefix. Stray packets (other IDs, other questions) are ignored.
/// </summary>
internal static class DnsTransport
{
    /// <summary>The largest datagram; we send no EDNS, but take what comes.</summary>
    private const int MaxDatagram = 65535;

    public static async Task<ExchangeResult> UdpAsync(IPEndPoint server, SentQuery query, TimeSpan timeout, TimeProvider time,
        Action<DnsParseError> onStray, CancellationToken ct)
    {
        using var deadline = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(MaxDatagram);
        try
        {
            using var socket = new Socket(server.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            await socket.ConnectAsync(server, linked.Token).ConfigureAwait(false);
            await socket.SendAsync(query.Packet, SocketFlags.None, linked.Token).ConfigureAwait(false);
            while (true)
            {
                int received = await socket.ReceiveAsync(buffer, SocketFlags.None, linked.Token).ConfigureAwait(false);
                var result = Check(buffer.AsSpan(0, received), query, out var error);
                if (result is { } taken) return taken;
                onStray(error);
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return ExchangeResult.NoReply;
        }
        catch (SocketException)
        {
            return ExchangeResult.NoReply; // ICMP unreachable and the like: as good as no answer
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public static async Task<ExchangeResult> TcpAsync(IPEndPoint server, SentQuery query, TimeSpan timeout, TimeProvider time,
        CancellationToken ct)
    {
        using var deadline = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        try
        {
            using var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(server, linked.Token).ConfigureAwait(false);
            var framed = new byte[2 + query.Packet.Length];
            BinaryPrimitives.WriteUInt16BigEndian(framed, (ushort)query.Packet.Length);
            query.Packet.CopyTo(framed, 2);
            await socket.SendAsync(framed, SocketFlags.None, linked.Token).ConfigureAwait(false);
            var prefix = new byte[2];
            if (!await ReceiveExactlyAsync(socket, prefix, linked.Token).ConfigureAwait(false)) return ExchangeResult.NoReply;
            var message = new byte[BinaryPrimitives.ReadUInt16BigEndian(prefix)];
            if (!await ReceiveExactlyAsync(socket, message, linked.Token).ConfigureAwait(false)) return ExchangeResult.NoReply;
            return Check(message, query, out _) ?? ExchangeResult.NoReply;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return ExchangeResult.NoReply;
        }
        catch (SocketException)
        {
            return ExchangeResult.NoReply;
        }
    }

    /// <summary>Our response, a malformed one of ours, or null for a packet that is not ours.</summary>
    private static ExchangeResult? Check(ReadOnlySpan<byte> packet, SentQuery query, out DnsParseError error)
    {
        if (DnsResponseParser.TryParse(packet, query.Id, query.Name, query.Type, query.ExactCase, out var response, out error))
            return new ExchangeResult(response, false);
        return error.IsForeign() ? null : new ExchangeResult(null, true);
    }

    private static async Task<bool> ReceiveExactlyAsync(Socket socket, Memory<byte> buffer, CancellationToken ct)
    {
        while (buffer.Length > 0)
        {
            int n = await socket.ReceiveAsync(buffer, SocketFlags.None, ct).ConfigureAwait(false);
            if (n == 0) return false;
            buffer = buffer[n..];
        }
        return true;
    }
}
