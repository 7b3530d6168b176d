using System.Text;
using TorRelay.Directory.Netdoc;

namespace TorRelay.Directory.Descriptors;

/// <summary>
/// The two keys an origin needs from a microdescriptor (dir-spec §3.3): "ntor-onion-key" (curve25519, base64, 32
/// bytes) and "id ed25519" (base64, 32 bytes). Other lines are ignored; a body without a valid ntor key is refused.
/// </summary>
public static class MicrodescriptorKeys
{
    public static bool TryParse(ReadOnlySpan<byte> body, out byte[] ntorOnionKey, out byte[]? ed25519Identity)
    {
        ntorOnionKey = [];
        ed25519Identity = null;
        foreach (var line in Encoding.ASCII.GetString(body).Split('\n'))
        {
            var words = line.TrimEnd('\r').Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words is ["ntor-onion-key", var ntor, ..] && NetdocFormat.TryDecodeBase64(ntor, 32, out var key)) ntorOnionKey = key;
            else if (words is ["id", "ed25519", var id, ..] && NetdocFormat.TryDecodeBase64(id, 32, out var ed)) ed25519Identity = ed;
        }
        return ntorOnionKey.Length == 32;
    }
}
