using TorRelay.Directory.Netdoc;

namespace TorRelay.Directory.Cache;

/// <summary>
/// dir_split_resource_into_fingerprints (DSR_SORT_UNIQ): a list of digests in a URL, malformed ones skipped, decoded,
/// sorted bytewise and deduplicated. Hex lists are '+'-separated; base64 lists (microdescriptors) '-'-separated.
/// </summary>
internal static class ResourceList
{
    public static List<byte[]> Hex(string resource, int digestLength)
        => SortUnique(StripZ(resource).Split('+')
            .Select(s => NetdocFormat.TryParseHex(s, digestLength, out byte[] d) ? d : null));

    public static List<byte[]> Base64(string resource, int digestLength)
    {
        int encodedLength = (digestLength * 8 + 5) / 6; // BASE64_DIGEST256_LEN = 43, BASE64_DIGEST_LEN = 27
        return SortUnique(StripZ(resource).Split('-')
            .Select(s => s.Length == encodedLength && NetdocFormat.TryDecodeBase64(s, digestLength, out byte[] d)
                ? d
                : null));
    }

    /// <summary>dir_split_resource_into_fingerprint_pairs: "ID-SK+ID-SK", each 40 hex digits.</summary>
    public static List<(byte[] Identity, byte[] SigningKey)> HexPairs(string resource)
    {
        var pairs = new List<(byte[], byte[])>();
        foreach (string p in StripZ(resource).Split('+'))
        {
            if (p.Length != 81 || p[40] != '-') continue;
            if (NetdocFormat.TryParseHex(p[..40], 20, out byte[] id) && NetdocFormat.TryParseHex(p[41..], 20, out byte[] sk))
                pairs.Add((id, sk));
        }

        return pairs.OrderBy(p => p.Item1, ByteComparer.Instance).ThenBy(p => p.Item2, ByteComparer.Instance)
            .DistinctBy(p => NetdocFormat.Hex(p.Item1) + NetdocFormat.Hex(p.Item2)).ToList();
    }

    private static string StripZ(string s) => s.Length > 2 && s.EndsWith(".z", StringComparison.Ordinal) ? s[..^2] : s;

    private static List<byte[]> SortUnique(IEnumerable<byte[]?> digests)
        => digests.OfType<byte[]>().Order(ByteComparer.Instance).DistinctBy(d => NetdocFormat.Hex(d)).ToList();

    internal sealed class ByteComparer : IComparer<byte[]>
    {
        public static readonly ByteComparer Instance = new();

        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }
}
