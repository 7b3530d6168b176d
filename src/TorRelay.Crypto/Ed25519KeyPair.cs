namespace TorRelay.Crypto;

/// <summary>
/// An ed25519 key pair held in expanded form (64 bytes: clamped scalar a, then the hash prefix), the form C tor stores
/// in ed25519_*_secret_key files and the form needed for onion-service key blinding.
/// </summary>
public sealed class Ed25519KeyPair : IDisposable
{
    public static Ed25519KeyPair Generate(IRandomSource? random = null) => throw new NotImplementedException();

    /// <summary>From the 32-byte RFC 8032 seed (expanded as SHA-512, clamped).</summary>
    public static Ed25519KeyPair FromSeed(ReadOnlySpan<byte> seed) => throw new NotImplementedException();

    /// <summary>From C tor's 64-byte expanded secret key; the public key is derived.</summary>
    public static Ed25519KeyPair FromExpandedSecret(ReadOnlySpan<byte> expandedSecret) => throw new NotImplementedException();

    /// <summary>64-byte expanded secret key.</summary>
    public ReadOnlySpan<byte> ExpandedSecret => throw new NotImplementedException();

    /// <summary>32-byte public key.</summary>
    public Ed25519PublicKey PublicKey => throw new NotImplementedException();

    /// <summary>Writes a 64-byte RFC 8032 signature of <paramref name="message"/>.</summary>
    public void Sign(ReadOnlySpan<byte> message, Span<byte> signature) => throw new NotImplementedException();

    public byte[] Sign(ReadOnlySpan<byte> message)
    {
        var sig = new byte[64];
        Sign(message, sig);
        return sig;
    }

    public void Dispose() => throw new NotImplementedException();
}
