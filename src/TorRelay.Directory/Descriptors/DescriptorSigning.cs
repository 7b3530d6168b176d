using System.Security.Cryptography;
using TorRelay.Directory.Netdoc;

namespace TorRelay.Directory.Descriptors;

/// <summary>The two signature schemes of server descriptors and extra-info documents.</summary>
internal static class DescriptorSigning
{
    /// <summary>ED_DESC_SIGNATURE_PREFIX in C tor's routerparse.h.</summary>
    public const string Ed25519Prefix = "Tor router descriptor signature v1";

    /// <summary>SHA-256(prefix | text) over the wire bytes of <paramref name="text"/>[start, end).</summary>
    public static byte[] Ed25519Digest(string text, int start, int end)
    {
        using var h = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        h.AppendData(System.Text.Encoding.ASCII.GetBytes(Ed25519Prefix));
        h.AppendData(NetdocFormat.WireBytes(text, start, end));
        return h.GetHashAndReset();
    }

    public static byte[] Sha1(string text, int start, int end) => SHA1.HashData(NetdocFormat.WireBytes(text, start, end));

    public static byte[] Sha256(string text) => SHA256.HashData(NetdocFormat.WireBytes(text));
}
