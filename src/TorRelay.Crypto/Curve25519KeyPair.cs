namespace TorRelay.Crypto;

/// <summary>An X25519 key pair (ntor onion key, handshake ephemerals).</summary>
public sealed class Curve25519KeyPair : IDisposable
{
    public const int KeyLength = 32;

    public static Curve25519KeyPair Generate(IRandomSource? random = null) => throw new NotImplementedException();

    /// <summary>From a 32-byte secret scalar (clamped on use, as X25519 does).</summary>
    public static Curve25519KeyPair FromSecret(ReadOnlySpan<byte> secret) => throw new NotImplementedException();

    public ReadOnlySpan<byte> SecretKey => throw new NotImplementedException();
    public ReadOnlySpan<byte> PublicKey => throw new NotImplementedException();

    /// <summary>X25519(secret, peerPublic) into 32 bytes; false if the result is all zero (a small-order point).</summary>
    public bool TryAgree(ReadOnlySpan<byte> peerPublic, Span<byte> sharedSecret) => throw new NotImplementedException();

    public void Dispose() => throw new NotImplementedException();
}
