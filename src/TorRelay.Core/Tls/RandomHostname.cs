using System.Security.Cryptography;

namespace TorRelay.Core.Tls;

/// <summary>C tor's crypto_random_hostname: prefix + N random base32 characters (tor's lowercase alphabet),
/// N uniform in [minLength, maxLength], + suffix.</summary>
internal static class RandomHostname
{
    private const string Base32Alphabet = "abcdefghijklmnopqrstuvwxyz234567";

    public static string Create(int minLength, int maxLength, string prefix, string suffix)
    {
        int length = RandomNumberGenerator.GetInt32(minLength, maxLength + 1);
        return prefix + RandomNumberGenerator.GetString(Base32Alphabet, length) + suffix;
    }
}
