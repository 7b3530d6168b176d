using System.IO.Pipelines;
using System.Net;
using TorRelay.Cells.Link;
using TorRelay.Core.Channels;

namespace TorRelay.Core.Tests.Channels;

/// <summary>
/// A link without TLS: two in-memory pipes. The test is the peer: it writes what the channel reads to
/// <see cref="ToChannel"/> and reads what the channel sends from <see cref="FromChannel"/>.
/// </summary>
internal sealed class FakeLinkTransport : ILinkTransport
{
    private readonly Pipe _in = new(new PipeOptions(useSynchronizationContext: false));
    private readonly Pipe _out;

    /// <param name="pauseAfter">Bytes the channel may write before its flush waits for the test to read (0: never waits).</param>
    public FakeLinkTransport(long pauseAfter = 0)
    {
        _out = new Pipe(new PipeOptions(pauseWriterThreshold: pauseAfter, resumeWriterThreshold: pauseAfter / 2, useSynchronizationContext: false));
        Transport = new Duplex(_in.Reader, new CountingWriter(_out.Writer, this));
    }

    /// <summary>How many times the channel flushed what it wrote (each is one TLS write and socket send on a real link).</summary>
    public int Flushes => Volatile.Read(ref _flushes);
    private int _flushes;

    public IDuplexPipe Transport { get; }
    public PipeWriter ToChannel => _in.Writer;
    public PipeReader FromChannel => _out.Reader;
    public byte[]? PeerCertificateDer => null;
    public EndPoint? RemoteEndPoint => null;

    /// <summary>Reads <paramref name="cells"/> fixed link-v5 cells the channel sent; returns their circuit IDs in order.</summary>
    public async Task<List<uint>> ReadCircIdsAsync(int cells)
    {
        var ids = new List<uint>();
        while (ids.Count < cells)
        {
            var result = await FromChannel.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
            var buffer = result.Buffer;
            while (buffer.Length >= 514 && ids.Count < cells)
            {
                ids.Add(System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(System.Buffers.BuffersExtensions.ToArray(buffer.Slice(0, 4))));
                buffer = buffer.Slice(514);
            }
            FromChannel.AdvanceTo(buffer.Start, buffer.End);
        }
        return ids;
    }

    public void ExportKeyingMaterial(string label, ReadOnlySpan<byte> context, Span<byte> output) => output.Clear();

    public void Abort() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    public ValueTask DisposeAsync()
    {
        _in.Writer.Complete();
        _out.Writer.Complete();
        return ValueTask.CompletedTask;
    }

    /// <summary>An open link-v5 channel over a fake transport, as after a handshake with an unauthenticated client.</summary>
    public static Channel OpenChannel(FakeLinkTransport link, TimeProvider time, ChannelQueueSettings? queues = null) =>
        new(link, new LinkHandshakeResult(5, null, true, new NetinfoCell(0, null, []), null, null),
            Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, time, queues: queues);

    private sealed class CountingWriter(PipeWriter inner, FakeLinkTransport link) : PipeWriter
    {
        public override void Advance(int bytes) => inner.Advance(bytes);
        public override Memory<byte> GetMemory(int sizeHint = 0) => inner.GetMemory(sizeHint);
        public override Span<byte> GetSpan(int sizeHint = 0) => inner.GetSpan(sizeHint);
        public override void CancelPendingFlush() => inner.CancelPendingFlush();
        public override void Complete(Exception? exception = null) => inner.Complete(exception);

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref link._flushes);
            return inner.FlushAsync(cancellationToken);
        }
    }

    private sealed class Duplex(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;
        public PipeWriter Output { get; } = output;
    }
}
