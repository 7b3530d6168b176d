namespace TorRelay.Crypto;

/// <summary>tor's key-derivation functions (tor-spec §5.2).</summary>
public static class Kdf
{
    /// <summary>KDF-RFC5869 (HKDF-SHA256) with tor's usage: K = HKDF(salt = t_key, IKM = secret, info = m_expand).</summary>
    public static void Rfc5869(ReadOnlySpan<byte> secret, ReadOnlySpan<byte> salt, ReadOnlySpan<byte> info, Span<byte> output) => throw new NotImplementedException();

    /// <summary>KDF-TOR: K = H(K0 | [00]) | H(K0 | [01]) | ... with SHA-1 (CREATE_FAST).</summary>
    public static void Tor(ReadOnlySpan<byte> k0, Span<byte> output) => throw new NotImplementedException();
}
