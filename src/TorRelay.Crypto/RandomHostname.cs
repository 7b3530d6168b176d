namespace TorRelay.Crypto;

/// <summary>
/// C tor's crypto_random_hostname: prefix + N characters of tor's lower-case base32 alphabet + suffix, N uniform in
/// [minLength, maxLength] after clipping both to a DNS label (63). TLS uses it for certificate and SNI names, the exit's
/// DNS hijack checks for their probe names.
/// </summary>
public static class RandomHostname
{
    private const string Base32Alphabet = "abcdefghijklmnopqrstuvwxyz234567";

    /// <summary>MAX_DNS_LABEL_SIZE.</summary>
    public const int MaxLabelLength = 63;

    public static string Create(IRandomSource random, int minLength, int maxLength, string prefix, string suffix)
    {
        maxLength = Math.Min(maxLength, MaxLabelLength);
        minLength = Math.Min(minLength, maxLength);
        Span<byte> draw = stackalloc byte[8];
        random.Fill(draw);
        int length = minLength + (int)(BitConverter.ToUInt64(draw) % (ulong)(maxLength - minLength + 1));
        Span<byte> bits = stackalloc byte[MaxLabelLength];
        random.Fill(bits[..length]);
        Span<char> label = stackalloc char[length];
        for (int i = 0; i < length; i++) label[i] = Base32Alphabet[bits[i] & 31];
        return string.Concat(prefix, label, suffix);
    }
}
