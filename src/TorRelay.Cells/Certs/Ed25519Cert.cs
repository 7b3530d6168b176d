using System.Buffers.Binary;
using TorRelay.Crypto;

namespace TorRelay.Cells.Certs;

/// <summary>A tor ed25519 certificate (cert-spec.txt §2.1), version 1.</summary>
public sealed class Ed25519Cert
{
    public const byte Version = 1;
    public const int SignatureLength = 64;
    /// <summary>Extension type 04: the 32-byte ed25519 key that signed the certificate.</summary>
    public const byte ExtSignedWithKey = 4;
    /// <summary>Extension flag: an unrecognised extension with this flag makes the certificate invalid.</summary>
    public const byte ExtFlagAffectsValidation = 1;

    // VERSION, CERT_TYPE, EXPIRATION_DATE(4), CERT_KEY_TYPE, CERTIFIED_KEY(32), N_EXTENSIONS
    private const int HeaderLength = 1 + 1 + 4 + 1 + 32 + 1;
    private const int MinLength = HeaderLength + SignatureLength;

    public required CertType CertType { get; init; }

    /// <summary>Expiration, a whole number of hours since the epoch on the wire.</summary>
    public required DateTimeOffset Expiration { get; init; }

    public required CertKeyType KeyType { get; init; }

    /// <summary>The certified key (32 bytes): an ed25519 key or a SHA-256 digest, per <see cref="KeyType"/>.</summary>
    public required byte[] CertifiedKey { get; init; }

    /// <summary>The signing key from extension 04, when present.</summary>
    public Ed25519PublicKey? SignedWithKey { get; init; }

    /// <summary>The whole encoding, signature included.</summary>
    public required byte[] Encoded { get; init; }

    /// <summary>The trailing 64-byte signature.</summary>
    public ReadOnlySpan<byte> Signature => Encoded.AsSpan(Encoded.Length - SignatureLength);

    /// <summary>The certified key as an ed25519 key, when <see cref="KeyType"/> says it is one.</summary>
    public Ed25519PublicKey? CertifiedEd25519Key => KeyType == CertKeyType.Ed25519 ? new Ed25519PublicKey(CertifiedKey) : null;

    /// <summary>
    /// Builds and signs a certificate as C tor's tor_cert_create_raw: the wire expiration is
    /// CEIL_DIV(<paramref name="expiration"/>, 3600) hours, and the signed-with-key extension (flags 0) is the only
    /// extension, included when asked.
    /// </summary>
    public static Ed25519Cert Create(CertType type, CertKeyType keyType, ReadOnlySpan<byte> certifiedKey,
        DateTimeOffset expiration, Ed25519KeyPair signer, bool includeSignedWithKey)
    {
        ArgumentNullException.ThrowIfNull(signer);
        if (certifiedKey.Length != 32) throw new ArgumentException("certified key must be 32 bytes", nameof(certifiedKey));

        int length = MinLength + (includeSignedWithKey ? 4 + 32 : 0);
        var encoded = new byte[length];
        var span = encoded.AsSpan();
        span[0] = Version;
        span[1] = (byte)type;
        uint hours = CertTime.ToHours(expiration);
        BinaryPrimitives.WriteUInt32BigEndian(span[2..], hours);
        span[6] = (byte)keyType;
        certifiedKey.CopyTo(span[7..]);
        span[39] = (byte)(includeSignedWithKey ? 1 : 0);
        if (includeSignedWithKey)
        {
            BinaryPrimitives.WriteUInt16BigEndian(span[40..], 32);
            span[42] = ExtSignedWithKey;
            span[43] = 0; // C tor leaves ext_flags zero
            signer.PublicKey.Bytes.CopyTo(span[44..]);
        }
        signer.Sign(span[..^SignatureLength], span[^SignatureLength..]);

        return new Ed25519Cert
        {
            CertType = type,
            Expiration = CertTime.FromHours(hours),
            KeyType = keyType,
            CertifiedKey = certifiedKey.ToArray(),
            SignedWithKey = includeSignedWithKey ? signer.PublicKey : null,
            Encoded = encoded,
        };
    }

    /// <summary>
    /// Parses without checking the signature, with C tor's rules (trunnel ed25519_cert + tor_cert_parse): version 1,
    /// a type-04 extension exactly 32 bytes and at most once, no unknown extension with the affects-validation flag,
    /// nothing after the signature. False with a reason on malformed input (never throws).
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<byte> encoded, out Ed25519Cert? cert, out string? error)
    {
        cert = null;
        if (encoded.Length < MinLength) { error = "certificate truncated"; return false; }
        if (encoded[0] != Version) { error = $"unsupported certificate version {encoded[0]}"; return false; }

        uint hours = BinaryPrimitives.ReadUInt32BigEndian(encoded[2..]);
        int nExtensions = encoded[39];
        int pos = HeaderLength;
        Ed25519PublicKey? signedWith = null;
        for (int i = 0; i < nExtensions; i++)
        {
            if (encoded.Length - pos < 4) { error = "extension header truncated"; return false; }
            int extLength = BinaryPrimitives.ReadUInt16BigEndian(encoded[pos..]);
            byte extType = encoded[pos + 2];
            byte extFlags = encoded[pos + 3];
            pos += 4;
            if (encoded.Length - pos < extLength) { error = "extension body truncated"; return false; }
            var body = encoded.Slice(pos, extLength);
            pos += extLength;
            if (extType == ExtSignedWithKey)
            {
                if (extLength != 32) { error = "signed-with-ed25519-key extension is not 32 bytes"; return false; }
                if (signedWith is not null) { error = "duplicate signed-with-ed25519-key extension"; return false; }
                signedWith = new Ed25519PublicKey(body);
            }
            else if ((extFlags & ExtFlagAffectsValidation) != 0)
            {
                error = $"unrecognised extension {extType} affects validation";
                return false;
            }
        }

        if (encoded.Length - pos != SignatureLength)
        {
            error = encoded.Length - pos < SignatureLength ? "signature truncated" : "trailing data after signature";
            return false;
        }

        cert = new Ed25519Cert
        {
            CertType = (CertType)encoded[1],
            Expiration = CertTime.FromHours(hours),
            KeyType = (CertKeyType)encoded[6],
            CertifiedKey = encoded.Slice(7, 32).ToArray(),
            SignedWithKey = signedWith,
            Encoded = encoded.ToArray(),
        };
        error = null;
        return true;
    }

    /// <summary>
    /// Checks the signature with <paramref name="signer"/>, or with <see cref="SignedWithKey"/> when null (false if
    /// neither). Like C tor's tor_cert_checksig it does not compare the two keys; callers that need that check it.
    /// </summary>
    public bool VerifySignature(Ed25519PublicKey? signer = null)
    {
        var key = signer ?? SignedWithKey;
        if (key is null) return false;
        return key.Verify(Encoded.AsSpan(0, Encoded.Length - SignatureLength), Signature);
    }

    /// <summary>C tor treats a certificate as expired once now is past its expiration (tor_cert_checksig).</summary>
    public bool IsExpired(DateTimeOffset now) => now > Expiration;
}
