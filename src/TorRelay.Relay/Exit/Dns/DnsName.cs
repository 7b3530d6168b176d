namespace TorRelay.Relay.Exit.Dns;

/// <summary>
/// Domain names in wire form (RFC 1035 §3.1: length-prefixed labels ending in a zero byte). Strings map to bytes one
/// char per byte (Latin-1), so any name a client sends survives the round trip unchanged.
/// </summary>
public static class DnsName
{
    /// <summary>RFC 1035 §2.3.4: at most 255 bytes in wire form.</summary>
    public const int MaxWireLength = 255;
    public const int MaxLabelLength = 63;
    /// <summary>Compression pointers followed before a name counts as a loop.</summary>
    private const int MaxPointers = 64;

    /// <summary>Encodes a dotted name (one trailing dot allowed); false for empty labels, over-long names or chars above 0xFF.</summary>
    public static bool TryEncode(string name, Span<byte> destination, out int written)
    {
        written = 0;
        if (name.Length == 0 || name == ".") return false;
        int end = name[^1] == '.' ? name.Length - 1 : name.Length;
        int labelStart = 0;
        while (labelStart <= end)
        {
            int dot = name.IndexOf('.', labelStart, end - labelStart);
            int labelEnd = dot < 0 ? end : dot;
            int length = labelEnd - labelStart;
            if (length == 0 || length > MaxLabelLength || written + 1 + length + 1 > Math.Min(destination.Length, MaxWireLength))
                return false;
            destination[written++] = (byte)length;
            for (int i = labelStart; i < labelEnd; i++)
            {
                if (name[i] > 0xFF) return false;
                destination[written++] = (byte)name[i];
            }
            labelStart = labelEnd + 1;
        }
        destination[written++] = 0;
        return true;
    }

    /// <summary>
    /// Reads the name at <paramref name="offset"/>, following compression pointers, into uncompressed wire form;
    /// advances <paramref name="offset"/> past the name as it appears in place. False on any malformation.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> packet, ref int offset, Span<byte> destination, out int written)
    {
        written = 0;
        int position = offset;
        int resumeAt = -1;
        int pointers = 0;
        while (true)
        {
            if (position >= packet.Length) return false;
            byte length = packet[position];
            if ((length & 0xC0) == 0xC0)
            {
                if (position + 1 >= packet.Length || ++pointers > MaxPointers) return false;
                if (resumeAt < 0) resumeAt = position + 2;
                position = ((length & 0x3F) << 8) | packet[position + 1];
                continue;
            }
            if (length > MaxLabelLength) return false;
            if (written + 1 + length > Math.Min(destination.Length, MaxWireLength)) return false;
            if (position + 1 + length > packet.Length) return false;
            destination[written++] = length;
            if (length == 0) break;
            packet.Slice(position + 1, length).CopyTo(destination[written..]);
            written += length;
            position += 1 + length;
        }
        offset = resumeAt >= 0 ? resumeAt : position + 1;
        return true;
    }

    /// <summary>Skips the name at <paramref name="offset"/>.</summary>
    public static bool TrySkip(ReadOnlySpan<byte> packet, ref int offset)
    {
        Span<byte> scratch = stackalloc byte[MaxWireLength];
        return TryRead(packet, ref offset, scratch, out _);
    }

    /// <summary>Compares two wire names; ASCII letters match either case unless <paramref name="exactCase"/>.</summary>
    public static bool Equal(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, bool exactCase)
    {
        if (a.Length != b.Length) return false;
        if (exactCase) return a.SequenceEqual(b);
        for (int i = 0; i < a.Length; i++)
        {
            if (a[i] != b[i] && Lower(a[i]) != Lower(b[i])) return false;
        }
        return true;
    }

    /// <summary>Dotted form without the trailing dot ("" for the root).</summary>
    public static string ToDotted(ReadOnlySpan<byte> wire)
    {
        var chars = new char[Math.Max(0, wire.Length - 1)];
        int n = 0;
        for (int i = 0; i < wire.Length && wire[i] != 0; i += 1 + wire[i])
        {
            if (n > 0) chars[n++] = '.';
            foreach (byte b in wire.Slice(i + 1, wire[i])) chars[n++] = (char)b;
        }
        return new string(chars, 0, n);
    }

    /// <summary>The 0x20 hack: flips the case of each ASCII letter of each label by one random bit.</summary>
    public static void RandomizeCase(Span<byte> wire, ReadOnlySpan<byte> randomBits)
    {
        int bit = 0;
        for (int i = 0; i < wire.Length && wire[i] != 0; i += 1 + wire[i])
        {
            for (int j = i + 1; j <= i + wire[i]; j++, bit++)
            {
                byte c = wire[j];
                bool letter = (uint)((c | 0x20) - 'a') <= 'z' - 'a';
                if (letter && (randomBits[bit / 8 % randomBits.Length] & (1 << (bit % 8))) != 0) wire[j] = (byte)(c ^ 0x20);
            }
        }
    }

    private static byte Lower(byte c) => (uint)(c - 'A') <= 'Z' - 'A' ? (byte)(c | 0x20) : c;
}
