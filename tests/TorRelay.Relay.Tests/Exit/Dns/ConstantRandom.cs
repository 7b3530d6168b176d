using TorRelay.Crypto;

namespace TorRelay.Relay.Tests.Exit.Dns;

/// <summary>Every "random" byte is <paramref name="value"/>: 0 gives query ID 0, no case flips and the lowest TTL blur.</summary>
internal sealed class ConstantRandom(byte value) : IRandomSource
{
    public void Fill(Span<byte> destination) => destination.Fill(value);
}
