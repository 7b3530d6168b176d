using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace TorRelay.Relay.Tests.Exit.Dns;

/// <summary>
/// A nameserver on 127.0.0.1 (UDP and TCP on one ephemeral port). Each query is handed to <see cref="Handler"/>, which
/// returns the packets to send back (none: stay silent); every query is also queued for <see cref="NextQueryAsync"/>.
/// </summary>
internal sealed class FakeDnsServer : IAsyncDisposable
{
    private readonly Socket _udp;
    private readonly TcpListener _tcp;
    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<ReceivedQuery> _queries = Channel.CreateUnbounded<ReceivedQuery>();
    private readonly Task _udpLoop, _tcpLoop;
    private int _count;

    public Func<ReceivedQuery, Task<byte[][]>> Handler { get; set; } = _ => Task.FromResult<byte[][]>([]);
    public IPEndPoint EndPoint { get; }
    public int QueryCount => Volatile.Read(ref _count);

    public FakeDnsServer()
    {
        (_udp, _tcp) = BindBoth();
        EndPoint = (IPEndPoint)_udp.LocalEndPoint!;
        _udpLoop = ServeUdpAsync();
        _tcpLoop = ServeTcpAsync();
    }

    /// <summary>Answers every query with what <paramref name="reply"/> builds from it.</summary>
    public FakeDnsServer Answer(Func<ReceivedQuery, byte[]> reply)
    {
        Handler = q => Task.FromResult<byte[][]>([reply(q)]);
        return this;
    }

    public async Task<ReceivedQuery> NextQueryAsync()
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30)); // a hang guard, not a timing assert
        return await _queries.Reader.ReadAsync(guard.Token);
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _udp.Dispose();
        _tcp.Stop();
        await Task.WhenAll(_udpLoop, _tcpLoop).ContinueWith(_ => { });
        _stop.Dispose();
    }

    private static (Socket, TcpListener) BindBoth()
    {
        for (int tries = 0; ; tries++)
        {
            var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            var tcp = new TcpListener(IPAddress.Loopback, ((IPEndPoint)udp.LocalEndPoint!).Port);
            try
            {
                tcp.Start();
                return (udp, tcp);
            }
            catch (SocketException) when (tries < 20)
            {
                udp.Dispose();
            }
        }
    }

    private async Task<byte[][]> HandleAsync(byte[] packet, bool viaTcp)
    {
        var query = TestDns.ParseQuery(packet, viaTcp);
        Interlocked.Increment(ref _count);
        _queries.Writer.TryWrite(query);
        return await Handler(query);
    }

    private async Task ServeUdpAsync()
    {
        var buffer = new byte[65535];
        while (!_stop.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await _udp.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), _stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                if (_stop.IsCancellationRequested) return;
                continue;
            }
            var packet = buffer[..received.ReceivedBytes];
            var client = received.RemoteEndPoint;
            _ = Task.Run(async () =>
            {
                foreach (var reply in await HandleAsync(packet, viaTcp: false))
                {
                    try { await _udp.SendToAsync(reply, SocketFlags.None, client); }
                    catch (Exception e) when (e is ObjectDisposedException or SocketException) { }
                }
            });
        }
    }

    private async Task ServeTcpAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _tcp.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            _ = Task.Run(async () =>
            {
                using (client)
                {
                    try
                    {
                        var stream = client.GetStream();
                        var prefix = new byte[2];
                        await stream.ReadExactlyAsync(prefix, _stop.Token);
                        var packet = new byte[BinaryPrimitives.ReadUInt16BigEndian(prefix)];
                        await stream.ReadExactlyAsync(packet, _stop.Token);
                        foreach (var reply in await HandleAsync(packet, viaTcp: true))
                        {
                            var framed = new byte[2 + reply.Length];
                            BinaryPrimitives.WriteUInt16BigEndian(framed, (ushort)reply.Length);
                            reply.CopyTo(framed, 2);
                            await stream.WriteAsync(framed, _stop.Token);
                        }
                    }
                    catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException) { }
                }
            });
        }
    }
}
