using System.Security.Cryptography;

namespace TorRelay.Crypto;

/// <summary>tor's key-derivation functions (tor-spec §5.2).</summary>
public static class Kdf
{
    /// <summary>KDF-RFC5869 (HKDF-SHA256) with tor's usage: K = HKDF(salt = t_key, IKM = secret, info = m_expand).</summary>
    public static void Rfc5869(ReadOnlySpan<byte> secret, ReadOnlySpan<byte> salt, ReadOnlySpan<byte> info, Span<byte> output)
        => HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, output, salt, info);

    /// <summary>KDF-TOR: K = H(K0 | [00]) | H(K0 | [01]) | ... with SHA-1 (CREATE_FAST).</summary>
    public static void Tor(ReadOnlySpan<byte> k0, Span<byte> output)
    {
        const int hashLen = 20;
        if (output.Length > 256 * hashLen) throw new ArgumentException("KDF-TOR output is at most 5120 bytes", nameof(output));
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
        Span<byte> block = stackalloc byte[hashLen];
        Span<byte> counter = stackalloc byte[1];
        for (int i = 0, off = 0; off < output.Length; i++, off += hashLen)
        {
            sha.AppendData(k0);
            counter[0] = (byte)i;
            sha.AppendData(counter);
            sha.GetHashAndReset(block);
            block[..Math.Min(hashLen, output.Length - off)].CopyTo(output[off..]);
        }
        CryptographicOperations.ZeroMemory(block);
    }
}
