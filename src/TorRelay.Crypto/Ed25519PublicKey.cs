using System.Numerics;
using TorRelay.Crypto.Native;

namespace TorRelay.Crypto;

/// <summary>A 32-byte ed25519 public key (also a relay's ed25519 identity).</summary>
public sealed class Ed25519PublicKey : IEquatable<Ed25519PublicKey>
{
    public const int Length = 32;

    public Ed25519PublicKey(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Length) throw new ArgumentException("ed25519 public key must be 32 bytes", nameof(bytes));
        Bytes = bytes.ToArray();
    }

    public byte[] Bytes { get; }

    /// <summary>RFC 8032 verification (strict: rejects non-canonical encodings as OpenSSL does).</summary>
    public bool Verify(ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
        => Ed25519Native.Verify(Bytes, message, signature);

    /// <summary>
    /// C tor's ed25519_public_key_from_curve25519_public_key (proposal 228): y = (u - 1) / (u + 1) mod p, with the
    /// sign bit of X in the top bit. Public data only, so BigInteger arithmetic is fine.
    /// </summary>
    public static Ed25519PublicKey FromCurve25519(ReadOnlySpan<byte> curve25519PublicKey, int signBit)
    {
        if (curve25519PublicKey.Length != 32) throw new ArgumentException("curve25519 public key must be 32 bytes", nameof(curve25519PublicKey));
        var p = (BigInteger.One << 255) - 19;
        Span<byte> u8 = stackalloc byte[32];
        curve25519PublicKey.CopyTo(u8);
        u8[31] &= 0x7f; // ref10's fe_frombytes ignores the top bit
        var u = new BigInteger(u8, isUnsigned: true, isBigEndian: false);
        var inv = BigInteger.ModPow((u + 1) % p, p - 2, p);
        var y = ((u - 1 + p) % p) * inv % p;
        Span<byte> outBytes = stackalloc byte[Length];
        outBytes.Clear();
        y.TryWriteBytes(outBytes, out _, isUnsigned: true, isBigEndian: false);
        if (signBit != 0) outBytes[31] |= 0x80;
        return new Ed25519PublicKey(outBytes);
    }

    /// <summary>Base64 without padding, as in netdocs ("ed25519" lines, "master-key-ed25519").</summary>
    public string ToBase64() => Convert.ToBase64String(Bytes).TrimEnd('=');

    public bool Equals(Ed25519PublicKey? other) => other is not null && Bytes.AsSpan().SequenceEqual(other.Bytes);
    public override bool Equals(object? obj) => Equals(obj as Ed25519PublicKey);
    public override int GetHashCode() => BitConverter.ToInt32(Bytes, 0);
}
