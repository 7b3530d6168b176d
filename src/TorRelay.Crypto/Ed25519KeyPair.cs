using System.Security.Cryptography;
using TorRelay.Crypto.Native;

namespace TorRelay.Crypto;

/// <summary>
/// An ed25519 key pair held in expanded form (64 bytes: clamped scalar a, then the hash prefix), the form C tor stores
/// in ed25519_*_secret_key files and the form needed for onion-service key blinding.
/// </summary>
public sealed class Ed25519KeyPair : IDisposable
{
    public const int ExpandedSecretLength = 64;
    public const int SeedLength = 32;
    public const int SignatureLength = 64;

    private readonly byte[] _expanded;
    private bool _disposed;

    private Ed25519KeyPair(byte[] expanded, Ed25519PublicKey publicKey)
    {
        _expanded = expanded;
        PublicKey = publicKey;
    }

    public static Ed25519KeyPair Generate(IRandomSource? random = null)
    {
        Span<byte> seed = stackalloc byte[SeedLength];
        try
        {
            (random ?? SystemRandom.Instance).Fill(seed);
            return FromSeed(seed);
        }
        finally { CryptographicOperations.ZeroMemory(seed); }
    }

    /// <summary>From the 32-byte RFC 8032 seed (expanded as SHA-512, clamped).</summary>
    public static Ed25519KeyPair FromSeed(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != SeedLength) throw new ArgumentException("ed25519 seed must be 32 bytes", nameof(seed));
        var expanded = new byte[ExpandedSecretLength];
        SHA512.HashData(seed, expanded);
        expanded[0] &= 248;
        expanded[31] &= 63;
        expanded[31] |= 64;
        return FromOwnedExpanded(expanded);
    }

    /// <summary>From C tor's 64-byte expanded secret key; the public key is derived.</summary>
    public static Ed25519KeyPair FromExpandedSecret(ReadOnlySpan<byte> expandedSecret)
    {
        if (expandedSecret.Length != ExpandedSecretLength)
            throw new ArgumentException("ed25519 expanded secret key must be 64 bytes", nameof(expandedSecret));
        return FromOwnedExpanded(expandedSecret.ToArray());
    }

    /// <summary>
    /// C tor's ed25519_keypair_from_curve25519_keypair (proposal 228): the curve25519 secret scalar becomes a, and
    /// the prefix is SHA-512(a | "Derive high part of ed25519 key from curve25519 key\0")[0..32]. signBit is the
    /// sign of the ed25519 X coordinate, as written in the ntor-onion-key-crosscert. Only for that crosscert.
    /// </summary>
    public static (Ed25519KeyPair Key, int SignBit) FromCurve25519(Curve25519KeyPair curve)
    {
        ArgumentNullException.ThrowIfNull(curve);
        ReadOnlySpan<byte> label = "Derive high part of ed25519 key from curve25519 key\0"u8;
        var expanded = new byte[ExpandedSecretLength];
        Span<byte> hash = stackalloc byte[64];
        try
        {
            curve.SecretKey.CopyTo(expanded);
            // Tor's curve25519 secret keys are stored clamped; clamp anyway so a·B matches X25519's public key.
            expanded[0] &= 248;
            expanded[31] &= 127;
            expanded[31] |= 64;
            using (var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA512))
            {
                sha.AppendData(expanded, 0, 32);
                sha.AppendData(label);
                sha.GetHashAndReset(hash);
            }
            hash[..32].CopyTo(expanded.AsSpan(32));
        }
        finally { CryptographicOperations.ZeroMemory(hash); }

        var key = FromOwnedExpanded(expanded);
        int signBit = key.PublicKey.Bytes[31] >> 7;
        var check = Ed25519PublicKey.FromCurve25519(curve.PublicKey, signBit);
        if (!check.Equals(key.PublicKey))
        {
            key.Dispose();
            throw new CryptographicException("curve25519 to ed25519 conversion mismatch");
        }
        return (key, signBit);
    }

    private static Ed25519KeyPair FromOwnedExpanded(byte[] expanded)
    {
        Span<byte> pub = stackalloc byte[Ed25519PublicKey.Length];
        Ed25519Native.PublicFromExpanded(expanded, pub);
        return new Ed25519KeyPair(expanded, new Ed25519PublicKey(pub));
    }

    /// <summary>64-byte expanded secret key.</summary>
    public ReadOnlySpan<byte> ExpandedSecret
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _expanded;
        }
    }

    /// <summary>32-byte public key.</summary>
    public Ed25519PublicKey PublicKey { get; }

    /// <summary>Writes a 64-byte RFC 8032 signature of <paramref name="message"/>.</summary>
    public void Sign(ReadOnlySpan<byte> message, Span<byte> signature)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Ed25519Native.Sign(_expanded, PublicKey.Bytes, message, signature);
    }

    public byte[] Sign(ReadOnlySpan<byte> message)
    {
        var sig = new byte[SignatureLength];
        Sign(message, sig);
        return sig;
    }

    public void Dispose()
    {
        _disposed = true;
        CryptographicOperations.ZeroMemory(_expanded);
    }
}
