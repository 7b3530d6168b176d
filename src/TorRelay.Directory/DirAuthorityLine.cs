using System.Globalization;
using System.Net;
using System.Net.Sockets;
using TorRelay.Directory.Netdoc;

namespace TorRelay.Directory;

/// <summary>
/// Parses the value of a torrc DirAuthority line as C tor's parse_dir_authority_line does:
/// <c>[nickname] [flags] address:dirport fingerprint</c>, where flags are bridge, no-v2, orport=N, v3ident=HEX,
/// ipv6=[addr]:port, weight=N (and upload=/download=/vote=, kept verbatim), and the fingerprint may be split in
/// space-separated groups.
/// </summary>
public static class DirAuthorityLine
{
    public static bool TryParse(string value, out DirectoryAuthority? authority, out string? error)
    {
        authority = null;
        if (value is null) return Fail("no value", out error);
        var items = value.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries).ToList();
        if (items.Count < 1) return Fail("no arguments on DirAuthority line", out error);

        string nickname = "";
        if (NetdocFormat.IsLegalNickname(items[0]))
        {
            nickname = items[0];
            items.RemoveAt(0);
        }

        int? orPort = null;
        byte[]? v3ident = null;
        IPEndPoint? ipv6 = null;
        var flags = new List<string>();
        while (items.Count > 0 && !char.IsAsciiDigit(items[0][0]))
        {
            string flag = items[0];
            items.RemoveAt(0);
            if (StartsWith(flag, "orport="))
            {
                if (!int.TryParse(flag.AsSpan(7), NumberStyles.None, CultureInfo.InvariantCulture, out int p) ||
                    p is < 1 or > 65535)
                    return Fail($"invalid orport '{flag[7..]}'", out error);
                orPort = p;
            }
            else if (StartsWith(flag, "v3ident="))
            {
                if (!NetdocFormat.TryParseHex(flag[8..], 20, out byte[] id)) return Fail($"bad v3ident '{flag}'", out error);
                v3ident = id;
            }
            else if (StartsWith(flag, "ipv6="))
            {
                if (ipv6 is not null) return Fail("redundant ipv6 address", out error);
                string ap = flag[5..];
                if (!ap.StartsWith('[') || !IPEndPoint.TryParse(ap, out ipv6) ||
                    ipv6.AddressFamily != AddressFamily.InterNetworkV6 || ipv6.Port == 0)
                    return Fail($"bad ipv6 address '{ap}'", out error);
            }
            else
            {
                // bridge, no-v2, hs/no-hs, weight=, upload=/download=/vote=, and flags we do not know (C tor warns).
                flags.Add(flag);
            }
        }

        if (items.Count < 2) return Fail("too few arguments to DirAuthority line", out error);
        string addrPort = items[0];
        int colon = addrPort.LastIndexOf(':');
        if (colon < 0) return Fail($"missing port in '{addrPort}'", out error);
        if (colon <= 0 || !IPAddress.TryParse(addrPort[..colon], out IPAddress? address) ||
            address.AddressFamily != AddressFamily.InterNetwork || addrPort[..colon].Count(c => c == '.') != 3)
            return Fail($"bad IPv4 address in '{addrPort}'", out error);
        if (!int.TryParse(addrPort.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int dirPort) ||
            dirPort is < 1 or > 65535)
            return Fail($"missing or bad port in '{addrPort}'", out error);

        string fingerprint = string.Concat(items.Skip(1));
        if (fingerprint.Length != 40) return Fail($"fingerprint '{fingerprint}' has the wrong length", out error);
        if (!NetdocFormat.TryParseHex(fingerprint, 20, out byte[] fp)) return Fail("bad fingerprint", out error);

        authority = new DirectoryAuthority(nickname, new IPEndPoint(address, dirPort), orPort, v3ident, fp, flags)
        {
            Ipv6OrPort = ipv6,
        };
        error = null;
        return true;
    }

    /// <summary>Formats an authority back into DirAuthority syntax (for torrc files of test networks).</summary>
    public static string Format(DirectoryAuthority a)
    {
        var parts = new List<string>();
        if (a.Nickname.Length > 0) parts.Add(a.Nickname);
        parts.AddRange(a.Flags);
        if (a.OrPort is { } op) parts.Add("orport=" + op.ToString(CultureInfo.InvariantCulture));
        if (a.V3Identity is { } v3) parts.Add("v3ident=" + NetdocFormat.Hex(v3));
        if (a.Ipv6OrPort is { } v6) parts.Add("ipv6=" + v6);
        parts.Add(a.DirPort.ToString());
        parts.Add(NetdocFormat.Hex(a.Fingerprint));
        return string.Join(' ', parts);
    }

    private static bool StartsWith(string s, string prefix) => s.StartsWith(prefix, StringComparison.OrdinalIgnoreCase);

    private static bool Fail(string message, out string? error)
    {
        error = message;
        return false;
    }
}
