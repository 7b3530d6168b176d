using System.Text;

namespace TorRelay.Crypto.KeyFiles;

/// <summary>
/// C tor's tagged-data key file format (crypto_format.c crypto_write_tagged_contents_to_file): a 32-byte header
/// holding the NUL-padded string "== TYPESTRING: TAG ==", then the raw body.
/// </summary>
public static class TaggedFile
{
    public const int HeaderLength = 32;

    public static byte[] Encode(string typeString, string tag, ReadOnlySpan<byte> body)
    {
        var header = Encoding.ASCII.GetBytes($"== {typeString}: {tag} ==");
        // tor_snprintf into 32 bytes keeps a terminating NUL; longer headers would be truncated there.
        if (header.Length > HeaderLength - 1)
            throw new ArgumentException("type string and tag too long for a 32-byte header");
        var file = new byte[HeaderLength + body.Length];
        header.CopyTo(file, 0);
        body.CopyTo(file.AsSpan(HeaderLength));
        return file;
    }

    /// <summary>
    /// Checks the header as crypto_read_tagged_contents_from_file does and returns the tag and body; never throws.
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<byte> file, string typeString, int maxBodyLength,
        out string tag, out byte[] body, out string? error)
    {
        tag = "";
        body = [];
        if (file.Length < HeaderLength) { error = "file shorter than the 32-byte header"; return false; }
        if (file.Length > HeaderLength + maxBodyLength) { error = "file body too long"; return false; }

        var header = file[..HeaderLength];
        int textLength = header.IndexOf((byte)0);
        if (textLength < 0) textLength = HeaderLength;
        var text = header[..textLength];
        if (header[textLength..].ContainsAnyExcept((byte)0)) { error = "header padding is not all NUL"; return false; }
        if (!text.StartsWith("== "u8) || !text.EndsWith(" =="u8)) { error = "malformed header"; return false; }

        var type = Encoding.ASCII.GetBytes(typeString);
        if (3 + type.Length >= HeaderLength || !text[3..].StartsWith(type) || !text[(3 + type.Length)..].StartsWith(": "u8))
        {
            error = $"not a {typeString} file";
            return false;
        }
        int tagStart = 5 + type.Length;
        int tagLength = text.Length - 8 - type.Length;
        if (tagLength < 0) { error = "malformed header"; return false; }
        tag = Encoding.ASCII.GetString(text.Slice(tagStart, tagLength));
        body = file[HeaderLength..].ToArray();
        error = null;
        return true;
    }
}
