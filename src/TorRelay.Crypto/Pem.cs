using System.Security.Cryptography;
using System.Text;

namespace TorRelay.Crypto;

/// <summary>PEM as OpenSSL's PEM_write_bio writes it: 64-column base64 and a trailing newline.</summary>
internal static class Pem
{
    public static string Encode(string label, ReadOnlySpan<byte> der)
    {
        var b64 = Convert.ToBase64String(der);
        var sb = new StringBuilder(b64.Length + b64.Length / 64 + 80);
        sb.Append("-----BEGIN ").Append(label).Append("-----\n");
        for (int i = 0; i < b64.Length; i += 64)
            sb.Append(b64, i, Math.Min(64, b64.Length - i)).Append('\n');
        sb.Append("-----END ").Append(label).Append("-----\n");
        return sb.ToString();
    }

    /// <summary>Decodes the first PEM block labelled <paramref name="label"/>.</summary>
    public static bool TryDecode(string pem, string label, out byte[] der)
    {
        der = [];
        ReadOnlySpan<char> rest = pem;
        while (PemEncoding.TryFind(rest, out var fields))
        {
            if (rest[fields.Label].SequenceEqual(label))
            {
                der = new byte[fields.DecodedDataLength];
                return Convert.TryFromBase64Chars(rest[fields.Base64Data], der, out _);
            }
            rest = rest[fields.Location.End..];
        }
        return false;
    }
}
