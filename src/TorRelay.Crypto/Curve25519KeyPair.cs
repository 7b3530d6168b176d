using System.Security.Cryptography;
using TorRelay.Crypto.Native;

namespace TorRelay.Crypto;

/// <summary>An X25519 key pair (ntor onion key, handshake ephemerals).</summary>
public sealed class Curve25519KeyPair : IDisposable
{
    public const int KeyLength = 32;

    private readonly byte[] _secret;
    private readonly byte[] _public;
    private bool _disposed;

    private Curve25519KeyPair(byte[] secret, byte[] publicKey)
    {
        _secret = secret;
        _public = publicKey;
    }

    /// <summary>A new key; the secret is stored clamped, as C tor's curve25519_secret_key_generate does.</summary>
    public static Curve25519KeyPair Generate(IRandomSource? random = null)
    {
        var secret = new byte[KeyLength];
        (random ?? SystemRandom.Instance).Fill(secret);
        secret[0] &= 248;
        secret[31] &= 127;
        secret[31] |= 64;
        return FromOwnedSecret(secret);
    }

    /// <summary>From a 32-byte secret scalar (clamped on use, as X25519 does).</summary>
    public static Curve25519KeyPair FromSecret(ReadOnlySpan<byte> secret)
    {
        if (secret.Length != KeyLength) throw new ArgumentException("curve25519 secret key must be 32 bytes", nameof(secret));
        return FromOwnedSecret(secret.ToArray());
    }

    private static unsafe Curve25519KeyPair FromOwnedSecret(byte[] secret)
    {
        LibSodium.EnsureInitialized();
        var pub = new byte[KeyLength];
        fixed (byte* q = pub)
        fixed (byte* n = secret)
        {
            if (LibSodium.crypto_scalarmult_curve25519_base(q, n) != 0)
                throw new CryptographicException("crypto_scalarmult_curve25519_base failed");
        }
        return new Curve25519KeyPair(secret, pub);
    }

    public ReadOnlySpan<byte> SecretKey
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _secret;
        }
    }

    public ReadOnlySpan<byte> PublicKey => _public;

    /// <summary>X25519(secret, peerPublic) into 32 bytes; false if the result is all zero (a small-order point).</summary>
    public unsafe bool TryAgree(ReadOnlySpan<byte> peerPublic, Span<byte> sharedSecret)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (peerPublic.Length != KeyLength) return false;
        if (sharedSecret.Length < KeyLength) throw new ArgumentException("output must hold 32 bytes", nameof(sharedSecret));
        LibSodium.EnsureInitialized();
        int rc;
        fixed (byte* q = sharedSecret)
        fixed (byte* n = _secret)
        fixed (byte* p = peerPublic)
            rc = LibSodium.crypto_scalarmult_curve25519(q, n, p);
        if (rc != 0)
        {
            sharedSecret[..KeyLength].Clear();
            return false;
        }
        return true;
    }

    public void Dispose()
    {
        _disposed = true;
        CryptographicOperations.ZeroMemory(_secret);
    }
}
