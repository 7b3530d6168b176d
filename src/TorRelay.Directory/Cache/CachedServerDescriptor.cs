using System.Security.Cryptography;
using TorRelay.Directory.Netdoc;

namespace TorRelay.Directory.Cache;

/// <summary>
/// One server descriptor as C tor stores and serves it (signed_descriptor_body: from "router " through
/// "-----END SIGNATURE-----\n") with its SHA-1 descriptor digest (over "router " through "\nrouter-signature\n"),
/// computed here, so a body can only be stored under its own digest.
/// </summary>
public sealed class CachedServerDescriptor
{
    private CachedServerDescriptor(byte[] body, byte[] digest)
    {
        Body = body;
        Digest = digest;
        DigestHex = NetdocFormat.Hex(digest);
    }

    public byte[] Body { get; }
    public byte[] Digest { get; }
    public string DigestHex { get; }

    /// <summary>
    /// Takes one whole descriptor, kept byte for byte (a relay serves its own descriptor as generated, with the
    /// extra last '\n' router_dump_router_to_string adds); false if it is not exactly one signed descriptor.
    /// </summary>
    public static bool TryCreate(string text, out CachedServerDescriptor? descriptor)
    {
        descriptor = null;
        if (text is null || !text.StartsWith("router ", StringComparison.Ordinal)) return false;
        int end = EndOf(text, 0);
        if (end < 0 || text.AsSpan(end).Trim().Length != 0) return false;
        descriptor = Create(text, 0, text.Length);
        return descriptor is not null;
    }

    /// <summary>
    /// Splits a concatenation (a /tor/server/ answer) as router_parse_list_from_string does: each descriptor starts
    /// at a "router " line and ends after the "-----END SIGNATURE-----" line following "router-signature".
    /// Incomplete trailing descriptors are ignored.
    /// </summary>
    public static IReadOnlyList<CachedServerDescriptor> SplitMany(string text)
    {
        var result = new List<CachedServerDescriptor>();
        if (string.IsNullOrEmpty(text)) return result;
        int pos = 0;
        while (NextRouterLine(text, pos) is var start and >= 0)
        {
            int end = EndOf(text, start);
            if (end < 0) break;
            if (Create(text, start, end) is { } d) result.Add(d);
            pos = end;
        }

        return result;
    }

    private static int NextRouterLine(string text, int pos)
    {
        while (pos < text.Length)
        {
            if ((pos == 0 || text[pos - 1] == '\n') && text.AsSpan(pos).StartsWith("router ", StringComparison.Ordinal))
                return pos;
            int nl = text.IndexOf('\n', pos);
            if (nl < 0) return -1;
            pos = nl + 1;
        }

        return -1;
    }

    private static int EndOf(string text, int start)
    {
        int sig = text.IndexOf("\nrouter-signature\n", start, StringComparison.Ordinal);
        if (sig < 0) return -1;
        int end = text.IndexOf("\n-----END SIGNATURE-----\n", sig, StringComparison.Ordinal);
        return end < 0 ? -1 : end + "\n-----END SIGNATURE-----\n".Length;
    }

    private static CachedServerDescriptor? Create(string text, int start, int end)
    {
        int signedEnd = text.IndexOf("\nrouter-signature\n", start, StringComparison.Ordinal);
        if (signedEnd < 0 || signedEnd >= end) return null;
        signedEnd += "\nrouter-signature\n".Length;
        byte[] digest = SHA1.HashData(NetdocFormat.WireBytes(text, start, signedEnd));
        return new CachedServerDescriptor(NetdocFormat.WireBytes(text, start, end), digest);
    }
}
