using System.Buffers;
using System.IO.Pipelines;

namespace TorRelay.Core.Tests.Tls;

internal static class PipeTestExtensions
{
    /// <summary>Reads exactly <paramref name="count"/> bytes, or throws if the pipe ends first.</summary>
    public static async Task<byte[]> ReadExactlyAsync(this PipeReader reader, int count, CancellationToken cancellationToken)
    {
        while (true)
        {
            ReadResult result = await reader.ReadAsync(cancellationToken);
            if (result.Buffer.Length >= count)
            {
                byte[] data = result.Buffer.Slice(0, count).ToArray();
                reader.AdvanceTo(result.Buffer.GetPosition(count));
                return data;
            }
            if (result.IsCompleted)
                throw new EndOfStreamException($"Pipe ended after {result.Buffer.Length} of {count} bytes");
            reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }

    /// <summary>Reads until the pipe completes; returns everything read.</summary>
    public static async Task<byte[]> ReadToEndAsync(this PipeReader reader, CancellationToken cancellationToken)
    {
        while (true)
        {
            ReadResult result = await reader.ReadAsync(cancellationToken);
            if (result.IsCompleted)
            {
                byte[] data = result.Buffer.ToArray();
                reader.AdvanceTo(result.Buffer.End);
                return data;
            }
            reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }

    /// <summary>Writes <paramref name="data"/> in chunks of <paramref name="chunkSize"/>, flushing after each.</summary>
    public static async Task WriteInChunksAsync(this PipeWriter writer, byte[] data, int chunkSize, CancellationToken cancellationToken)
    {
        for (int offset = 0; offset < data.Length; offset += chunkSize)
        {
            int n = Math.Min(chunkSize, data.Length - offset);
            FlushResult result = await writer.WriteAsync(data.AsMemory(offset, n), cancellationToken);
            if (result.IsCompleted)
                throw new IOException("Pipe reader completed");
        }
    }
}
