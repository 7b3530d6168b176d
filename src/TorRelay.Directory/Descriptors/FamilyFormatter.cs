using TorRelay.Directory.Netdoc;

namespace TorRelay.Directory.Descriptors;

/// <summary>
/// C tor's family canonicalization (nodefamily_from_members + nodefamily_format): "$HEX" members uppercased,
/// nicknames lowercased, own identity added, members sorted as C tor sorts its packed entries (identities before
/// nicknames, then bytewise), duplicates removed; a family of only ourselves is no family.
/// </summary>
internal static class FamilyFormatter
{
    private const int MemberLength = 21;

    public static IReadOnlyList<string> Canonicalize(IReadOnlyList<string> entries, ReadOnlySpan<byte> selfId)
    {
        if (entries.Count == 0) return [];
        var packed = new List<byte[]>();
        foreach (string e in entries)
        {
            if (TryPack(e, out byte[] m)) packed.Add(m);
        }

        var self = new byte[MemberLength];
        selfId.CopyTo(self.AsSpan(1));
        packed.Add(self);
        packed.Sort((a, b) => a.AsSpan().SequenceCompareTo(b));

        var result = new List<string>();
        byte[]? last = null;
        foreach (byte[] m in packed)
        {
            if (last is not null && m.AsSpan().SequenceEqual(last)) continue;
            last = m;
            result.Add(m[0] == 0 ? "$" + NetdocFormat.Hex(m.AsSpan(1)) : NicknameOf(m));
        }

        return result.Count == 1 ? [] : result;
    }

    private static string NicknameOf(byte[] member)
    {
        int end = Array.IndexOf(member, (byte)0, 1);
        return System.Text.Encoding.ASCII.GetString(member, 1, (end < 0 ? member.Length : end) - 1);
    }

    private static bool TryPack(string entry, out byte[] member)
    {
        member = new byte[MemberLength];
        if (NetdocFormat.IsLegalNickname(entry))
        {
            member[0] = 1;
            System.Text.Encoding.ASCII.GetBytes(entry.ToLowerInvariant(), member.AsSpan(1));
            return true;
        }

        string s = entry.StartsWith('$') ? entry[1..] : entry;
        if (s.Length > 40 && (s[40] == '=' || s[40] == '~') && NetdocFormat.IsLegalNickname(s[41..])) s = s[..40];
        if (!NetdocFormat.TryParseHex(s, 20, out byte[] id)) return false;
        id.CopyTo(member.AsSpan(1));
        return true;
    }
}
