using TorRelay.Crypto;

namespace TorRelay.Relay.Exit.Dns;

/// <summary>
/// crypto_random_hostname(minLength, maxLength, "", suffix) as dns.c's launch_wildcard_check uses it: a length drawn
/// uniformly from [minLength, maxLength] (at most a DNS label), that many characters of tor's lower-case base32
/// alphabet, then the suffix. Drawn from the injected source so tests can fix the names.
/// </summary>
public static class WildcardProbeName
{
    private const string Base32Alphabet = "abcdefghijklmnopqrstuvwxyz234567";

    public static string Create(IRandomSource random, int minLength, int maxLength, string suffix)
    {
        maxLength = Math.Min(maxLength, DnsName.MaxLabelLength);
        minLength = Math.Min(minLength, maxLength);
        int length = minLength + (int)DnsTtl.UniformBelow(random, (uint)(maxLength - minLength + 1));
        Span<byte> bits = stackalloc byte[DnsName.MaxLabelLength];
        random.Fill(bits[..length]);
        Span<char> label = stackalloc char[length];
        for (int i = 0; i < length; i++) label[i] = Base32Alphabet[bits[i] & 31];
        return string.Concat(label, suffix);
    }
}
