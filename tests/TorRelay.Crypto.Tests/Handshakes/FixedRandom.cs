namespace TorRelay.Crypto.Tests.Handshakes;

/// <summary>Hands out queued byte strings, one per Fill, so handshakes use fixed ephemerals.</summary>
internal sealed class FixedRandom(params string[] hexChunks) : IRandomSource
{
    private readonly Queue<byte[]> _chunks = new(hexChunks.Select(Convert.FromHexString));

    public void Fill(Span<byte> destination)
    {
        var next = _chunks.Dequeue();
        Assert.Equal(next.Length, destination.Length);
        next.CopyTo(destination);
    }
}
