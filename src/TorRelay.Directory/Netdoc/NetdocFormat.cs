using System.Globalization;
using System.Text;
using TorRelay.Crypto;

namespace TorRelay.Directory.Netdoc;

/// <summary>Encodings used in netdocs, written byte-for-byte as C tor writes them.</summary>
public static class NetdocFormat
{
    private const string TimeFormat = "yyyy-MM-dd HH:mm:ss";

    /// <summary>
    /// Netdoc text is carried in strings holding one byte per char (Latin-1), so digests and signatures cover exactly
    /// the bytes on the wire even when a contact line holds UTF-8 or junk.
    /// </summary>
    public static Encoding Wire => Encoding.Latin1;

    /// <summary>The wire bytes of <paramref name="text"/>[start, end).</summary>
    public static byte[] WireBytes(string text, int start, int end) => Wire.GetBytes(text, start, end - start);

    public static byte[] WireBytes(string text) => Wire.GetBytes(text);

    /// <summary>A .NET string as netdoc text: its UTF-8 bytes, one char per byte.</summary>
    public static string ToWireText(string s) => Wire.GetString(Encoding.UTF8.GetBytes(s));

    /// <summary>C tor's BASE64_ENCODE_MULTILINE: padded base64, 64 characters a line, every line ending in "\n".</summary>
    public static string Base64Multiline(ReadOnlySpan<byte> data)
    {
        string b64 = Convert.ToBase64String(data);
        var sb = new StringBuilder(b64.Length + b64.Length / 64 + 2);
        for (int i = 0; i < b64.Length; i += 64)
            sb.Append(b64, i, Math.Min(64, b64.Length - i)).Append('\n');
        return sb.ToString();
    }

    /// <summary>Base64 without '=' padding (ed25519 keys and signatures, curve25519 keys, SHA-256 digests).</summary>
    public static string Base64NoPad(ReadOnlySpan<byte> data) => Convert.ToBase64String(data).TrimEnd('=');

    /// <summary>Decodes base64 with or without padding; false on anything else. Never throws.</summary>
    public static bool TryDecodeBase64(string s, out byte[] data)
    {
        data = [];
        if (s.Length % 4 == 1) return false;
        string padded = (s.Length % 4) switch { 2 => s + "==", 3 => s + "=", _ => s };
        var buffer = new byte[padded.Length / 4 * 3];
        if (!Convert.TryFromBase64String(padded, buffer, out int written)) return false;
        data = written == buffer.Length ? buffer : buffer[..written];
        return true;
    }

    /// <summary>Decodes base64 that must yield exactly <paramref name="length"/> bytes.</summary>
    public static bool TryDecodeBase64(string s, int length, out byte[] data)
        => TryDecodeBase64(s, out data) && data.Length == length;

    /// <summary>format_iso_time: "YYYY-MM-DD HH:MM:SS" in UTC.</summary>
    public static string FormatTime(DateTimeOffset t) => t.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);

    public static bool TryParseTime(string date, string time, out DateTimeOffset value)
        => TryParseTime(date + " " + time, out value);

    public static bool TryParseTime(string s, out DateTimeOffset value)
    {
        bool ok = DateTime.TryParseExact(s, TimeFormat, CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out DateTime dt);
        value = ok ? new DateTimeOffset(dt, TimeSpan.Zero) : default;
        return ok;
    }

    /// <summary>Time truncated to whole seconds, as time_t holds it.</summary>
    public static DateTimeOffset TruncateToSeconds(DateTimeOffset t)
        => DateTimeOffset.FromUnixTimeSeconds(t.ToUnixTimeSeconds());

    public static string Hex(ReadOnlySpan<byte> data) => Convert.ToHexString(data);

    public static bool TryParseHex(string s, int length, out byte[] data)
    {
        data = [];
        if (s.Length != length * 2) return false;
        foreach (char c in s)
        {
            if (!char.IsAsciiHexDigit(c)) return false;
        }

        data = Convert.FromHexString(s);
        return true;
    }

    /// <summary>crypto_pk_get_fingerprint(..., add_space=1): uppercase hex in groups of four.</summary>
    public static string FingerprintWithSpaces(ReadOnlySpan<byte> digest)
    {
        string hex = Hex(digest);
        var sb = new StringBuilder(hex.Length + hex.Length / 4);
        for (int i = 0; i < hex.Length; i += 4)
        {
            if (i > 0) sb.Append(' ');
            sb.Append(hex, i, Math.Min(4, hex.Length - i));
        }

        return sb.ToString();
    }

    /// <summary>crypto_pk_write_public_key_to_string: PKCS#1 DER in an "RSA PUBLIC KEY" PEM block.</summary>
    public static string RsaPublicKeyPem(RsaPublicKey key)
        => Object("RSA PUBLIC KEY", key.ToPkcs1Der());

    /// <summary>A netdoc object: BEGIN line, multiline base64, END line, each ending in "\n".</summary>
    public static string Object(string type, ReadOnlySpan<byte> data)
        => "-----BEGIN " + type + "-----\n" + Base64Multiline(data) + "-----END " + type + "-----\n";

    /// <summary>is_legal_nickname: 1 to 19 characters of [A-Za-z0-9].</summary>
    public static bool IsLegalNickname(string s)
    {
        if (s.Length is 0 or > 19) return false;
        foreach (char c in s)
        {
            if (!char.IsAsciiLetterOrDigit(c)) return false;
        }

        return true;
    }
}
