using System.IO.Compression;

namespace TorRelay.Directory.Cache;

/// <summary>
/// The compression methods we serve (C tor's compress_method_t, less zstd and lzma, which the BCL lacks). Names are
/// C tor's compression_method_names, as written in Accept-Encoding and Content-Encoding.
/// </summary>
public enum DirCompression
{
    None,
    Deflate,
    Gzip,
}

/// <summary>Names, Accept-Encoding parsing and the codecs.</summary>
public static class DirCompressions
{
    /// <summary>compression_method_get_name: "identity", "deflate" (zlib format) or "gzip".</summary>
    public static string Name(DirCompression method) => method switch
    {
        DirCompression.Deflate => "deflate",
        DirCompression.Gzip => "gzip",
        _ => "identity",
    };

    /// <summary>
    /// parse_accept_encoding_header: comma-separated names, spaces stripped, matched exactly; identity is always
    /// accepted. Returns the set as flags (1 &lt;&lt; method).
    /// </summary>
    public static int ParseAcceptEncoding(string? header)
    {
        int mask = Bit(DirCompression.None);
        if (header is null) return mask;
        foreach (string raw in header.Split(','))
        {
            mask |= raw.Trim(' ', '\t') switch
            {
                "deflate" => Bit(DirCompression.Deflate),
                "gzip" or "x-gzip" => Bit(DirCompression.Gzip),
                _ => 0,
            };
        }

        return mask;
    }

    public static int Bit(DirCompression method) => 1 << (int)method;

    /// <summary>
    /// find_best_compression_method: C tor prefers lzma, zstd, zlib, gzip, then none; of those we have, zlib first.
    /// </summary>
    public static DirCompression Best(int supportedMask)
    {
        if ((supportedMask & Bit(DirCompression.Deflate)) != 0) return DirCompression.Deflate;
        if ((supportedMask & Bit(DirCompression.Gzip)) != 0) return DirCompression.Gzip;
        return DirCompression.None;
    }

    public static byte[] Compress(ReadOnlySpan<byte> data, DirCompression method,
        CompressionLevel level = CompressionLevel.Fastest)
    {
        if (method == DirCompression.None) return data.ToArray();
        using var output = new MemoryStream(data.Length / 3 + 64);
        using (Stream z = method == DirCompression.Deflate
                   ? new ZLibStream(output, level, leaveOpen: true)
                   : new GZipStream(output, level, leaveOpen: true))
        {
            z.Write(data);
        }

        return output.ToArray();
    }

    /// <summary>Inflates a zlib or gzip body; false (never an exception) on corrupt or oversized input.</summary>
    public static bool TryDecompress(ReadOnlySpan<byte> data, DirCompression method, int maxBytes, out byte[] result)
    {
        result = [];
        if (method == DirCompression.None)
        {
            result = data.ToArray();
            return data.Length <= maxBytes;
        }

        try
        {
            using var input = new MemoryStream(data.ToArray());
            using Stream z = method == DirCompression.Deflate
                ? new ZLibStream(input, CompressionMode.Decompress)
                : new GZipStream(input, CompressionMode.Decompress);
            using var output = new MemoryStream();
            var buffer = new byte[16384];
            int n;
            while ((n = z.Read(buffer)) > 0)
            {
                if (output.Length + n > maxBytes) return false;
                output.Write(buffer, 0, n);
            }

            result = output.ToArray();
            return true;
        }
        catch (InvalidDataException)
        {
            return false;
        }
    }
}
