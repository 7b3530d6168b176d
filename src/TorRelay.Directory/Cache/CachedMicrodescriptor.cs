using System.Security.Cryptography;
using TorRelay.Directory.Netdoc;

namespace TorRelay.Directory.Cache;

/// <summary>
/// One microdescriptor body (from "onion-key" to the start of the next one, as C tor's md-&gt;body) and its SHA-256
/// digest, computed here, so a body can only be stored under its own digest.
/// </summary>
public sealed class CachedMicrodescriptor
{
    private CachedMicrodescriptor(byte[] body)
    {
        Body = body;
        Digest = SHA256.HashData(body);
        DigestBase64 = NetdocFormat.Base64NoPad(Digest);
    }

    public byte[] Body { get; }
    public byte[] Digest { get; }

    /// <summary>Unpadded base64 of <see cref="Digest"/>, as in consensus "m" lines and /tor/micro/d/ URLs.</summary>
    public string DigestBase64 { get; }

    public static CachedMicrodescriptor FromBody(ReadOnlySpan<byte> body) => new(body.ToArray());

    /// <summary>
    /// Splits a /tor/micro/d/ answer as find_start_of_next_microdesc does: each microdescriptor begins with an
    /// "onion-key" line (annotation lines starting with '@' are dropped). Junk yields no or unlisted entries.
    /// </summary>
    public static IReadOnlyList<CachedMicrodescriptor> SplitMany(string text)
    {
        var result = new List<CachedMicrodescriptor>();
        if (string.IsNullOrEmpty(text)) return result;
        var starts = new List<int>();
        int pos = 0;
        while (pos < text.Length)
        {
            int eol = text.IndexOf('\n', pos);
            int next = eol < 0 ? text.Length : eol + 1;
            if (text.AsSpan(pos).StartsWith("onion-key", StringComparison.Ordinal) ||
                (text[pos] == '@' && starts.Count > 0))
                starts.Add(pos);
            pos = next;
        }

        for (int i = 0; i < starts.Count; i++)
        {
            if (text[starts[i]] == '@') continue;
            int end = i + 1 < starts.Count ? starts[i + 1] : text.Length;
            result.Add(new CachedMicrodescriptor(NetdocFormat.WireBytes(text, starts[i], end)));
        }

        return result;
    }
}
