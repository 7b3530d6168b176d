using TorRelay.Cells.Relay;

namespace TorRelay.Cells.Circuits;

/// <summary>
/// The extension list carried encrypted in ntor-v3 handshakes (C tor extension.trunnel):
/// N (1) | N × [type (1) | length (1) | body]. Bytes after the N fields are ignored, as trunnel does.
/// </summary>
public readonly record struct NtorV3Extension(NtorV3ExtensionType Type, ReadOnlyMemory<byte> Data)
{
    public static bool TryDecodeList(ReadOnlySpan<byte> message, out IReadOnlyList<NtorV3Extension> extensions, out CellError error)
    {
        extensions = [];
        if (message.Length < 1) return Wire.Fail(out extensions, out error);
        int n = message[0];
        var list = new NtorV3Extension[n];
        int o = 1;
        for (int i = 0; i < n; i++)
        {
            if (message.Length - o < 2) return Wire.Fail(out extensions, out error);
            int len = message[o + 1];
            if (message.Length - o - 2 < len) return Wire.Fail(out extensions, out error);
            list[i] = new NtorV3Extension((NtorV3ExtensionType)message[o], message.Slice(o + 2, len).ToArray());
            o += 2 + len;
        }
        extensions = list;
        return Wire.Ok(out error);
    }

    public static int GetEncodedLength(IReadOnlyList<NtorV3Extension> extensions)
    {
        int n = 1;
        foreach (var e in extensions) n += 2 + e.Data.Length;
        return n;
    }

    public static int EncodeList(IReadOnlyList<NtorV3Extension> extensions, Span<byte> destination)
    {
        if (extensions.Count > 255) throw new InvalidOperationException("at most 255 extensions");
        Wire.EnsureRoom(destination, GetEncodedLength(extensions));
        destination[0] = (byte)extensions.Count;
        int o = 1;
        foreach (var e in extensions)
        {
            if (e.Data.Length > 255) throw new InvalidOperationException("extension body is at most 255 bytes");
            destination[o] = (byte)e.Type;
            destination[o + 1] = (byte)e.Data.Length;
            e.Data.Span.CopyTo(destination[(o + 2)..]);
            o += 2 + e.Data.Length;
        }
        return o;
    }
}
