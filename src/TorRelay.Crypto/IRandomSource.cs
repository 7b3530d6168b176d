using System.Security.Cryptography;

namespace TorRelay.Crypto;

/// <summary>Source of randomness, injected so handshakes and key generation are testable with fixed bytes.</summary>
public interface IRandomSource
{
    void Fill(Span<byte> destination);
}

/// <summary>The operating system's CSPRNG.</summary>
public sealed class SystemRandom : IRandomSource
{
    public static readonly SystemRandom Instance = new();
    public void Fill(Span<byte> destination) => RandomNumberGenerator.Fill(destination);
}
