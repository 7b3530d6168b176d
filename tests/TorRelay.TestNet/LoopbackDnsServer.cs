using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace TorRelay.TestNet;

/// <summary>
/// A tiny authoritative DNS server on 127.0.0.1 (UDP) for exits in the private network: it answers A or AAAA queries
/// for the names it was given (an IPv4 address as an A record, an IPv6 one as AAAA; the other type gets an empty
/// answer) and NXDOMAIN for everything else, so no query ever leaves the machine. It counts what it saw,
/// which lets a test prove that the exit really asked it.
/// </summary>
public sealed class LoopbackDnsServer : IAsyncDisposable
{
    public const uint Ttl = 60;

    private readonly UdpClient _udp = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly IReadOnlyDictionary<string, IPAddress> _names;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _queries;

    public LoopbackDnsServer(IReadOnlyDictionary<string, IPAddress> names)
    {
        _names = names.ToDictionary(kv => kv.Key.ToLowerInvariant(), kv => kv.Value);
        _loop = ServeAsync();
    }

    public IPEndPoint EndPoint => (IPEndPoint)_udp.Client.LocalEndPoint!;
    public int Queries => Volatile.Read(ref _queries);

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            UdpReceiveResult request;
            try
            {
                request = await _udp.ReceiveAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            var reply = Answer(request.Buffer);
            if (reply is null) continue;
            Interlocked.Increment(ref _queries);
            try
            {
                await _udp.SendAsync(reply, request.RemoteEndPoint, _stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
        }
    }

    /// <summary>The response to one query: the question echoed, and an A or AAAA record when we know the name.</summary>
    private byte[]? Answer(byte[] query)
    {
        if (query.Length < 12 || BinaryPrimitives.ReadUInt16BigEndian(query.AsSpan(4)) != 1) return null;
        int o = 12;
        var labels = new List<string>();
        while (o < query.Length && query[o] != 0)
        {
            int len = query[o];
            if (len > 63 || o + 1 + len > query.Length) return null;
            labels.Add(Encoding.ASCII.GetString(query, o + 1, len));
            o += 1 + len;
        }
        if (o + 5 > query.Length) return null;
        int questionEnd = o + 5;
        ushort type = BinaryPrimitives.ReadUInt16BigEndian(query.AsSpan(o + 1));
        string name = string.Join('.', labels).ToLowerInvariant();
        bool known = _names.TryGetValue(name, out var address);
        ushort recordType = known && address!.AddressFamily == AddressFamily.InterNetworkV6 ? (ushort)28 : (ushort)1;
        bool answer = known && type == recordType;

        var reply = new List<byte>(query.AsSpan(0, questionEnd).ToArray());
        reply[2] = (byte)(0x84 | (query[2] & 0x01)); // QR, AA, keep RD
        reply[3] = (byte)(known ? 0 : 3); // NOERROR or NXDOMAIN
        reply[6] = 0;
        reply[7] = (byte)(answer ? 1 : 0);
        for (int i = 8; i < 12; i++) reply[i] = 0;
        if (answer)
        {
            byte[] rdata = address!.GetAddressBytes();
            reply.AddRange([0xC0, 12, 0, (byte)recordType, 0, 1]); // name pointer, type A or AAAA, class IN
            reply.AddRange(BitConverter.IsLittleEndian ? BitConverter.GetBytes(Ttl).Reverse() : BitConverter.GetBytes(Ttl));
            reply.AddRange([0, (byte)rdata.Length]);
            reply.AddRange(rdata);
        }
        return reply.ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _udp.Dispose();
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
