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
    public bool Verify(ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature) => throw new NotImplementedException();

    /// <summary>Base64 without padding, as in netdocs ("ed25519" lines, "master-key-ed25519").</summary>
    public string ToBase64() => Convert.ToBase64String(Bytes).TrimEnd('=');

    public bool Equals(Ed25519PublicKey? other) => other is not null && Bytes.AsSpan().SequenceEqual(other.Bytes);
    public override bool Equals(object? obj) => Equals(obj as Ed25519PublicKey);
    public override int GetHashCode() => BitConverter.ToInt32(Bytes, 0);
}
