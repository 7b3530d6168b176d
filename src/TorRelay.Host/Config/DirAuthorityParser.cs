using System.Globalization;
using System.Net;
using System.Net.Sockets;
using TorRelay.Directory;

namespace TorRelay.Host.Config;

/// <summary>
/// A DirAuthority value as tor's parse_dir_authority_line:
/// <c>[nickname] [flags] ipv4address:dirport fingerprint</c>, flags being <c>bridge</c>, <c>no-v2</c>,
/// <c>orport=N</c>, <c>v3ident=HEX</c>, <c>ipv6=[addr]:port</c>, <c>weight=N</c>, <c>upload=|download=|vote=URL</c>
/// (and the obsolete <c>hs</c>/<c>no-hs</c>). The fingerprint may be split into groups by spaces.
/// Where tor only warns about a malformed flag, we refuse it.
/// </summary>
public static class DirAuthorityParser
{
    /// <summary>Parses one value; throws a ConfigException naming the line.</summary>
    /// <remarks>
    /// Follows TorRelay.Directory's DirAuthorityLine conventions: <see cref="DirectoryAuthority.Flags"/> receives
    /// every flag except <c>orport=</c>, <c>v3ident=</c> and <c>ipv6=</c> (which have their own members), as written,
    /// e.g. "no-v2", "bridge", "weight=2"; a missing nickname is the empty string. Unlike DirAuthorityLine, this
    /// refuses flags tor would only warn about, and its messages are tor's.
    /// </remarks>
    public static DirectoryAuthority Parse(ConfigLine line, ICollection<string>? warnings = null)
    {
        if (!TryParse(line.Value, out DirectoryAuthority? authority, out string error, warnings))
            throw ConfigException.At(line, error);
        return authority!;
    }

    public static bool TryParse(string value, out DirectoryAuthority? authority, out string error,
        ICollection<string>? warnings = null)
    {
        authority = null;
        var items = new Queue<string>(value.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries));
        if (items.Count < 1)
            return Fail("No arguments on DirAuthority line.", out error);

        string nickname = "";
        if (ValueParsers.IsLegalNickname(items.Peek()))
            nickname = items.Dequeue();

        int? orPort = null;
        byte[]? v3Ident = null;
        IPEndPoint? ipv6 = null;
        var flags = new List<string>();
        while (items.Count > 0 && !char.IsAsciiDigit(items.Peek()[0]))
        {
            string flag = items.Dequeue();
            if (flag.Equals("hs", StringComparison.OrdinalIgnoreCase) || flag.Equals("no-hs", StringComparison.OrdinalIgnoreCase))
            {
                warnings?.Add("The DirAuthority options 'hs' and 'no-hs' are obsolete; you don't need them any more.");
                flags.Add(flag);
            }
            else if (flag.Equals("bridge", StringComparison.OrdinalIgnoreCase) ||
                     flag.Equals("no-v2", StringComparison.OrdinalIgnoreCase))
            {
                flags.Add(flag);
            }
            else if (StartsWith(flag, "orport="))
            {
                if (!ValueParsers.TryParsePort(flag[7..], out int p) || p == 0)
                    return Fail($"Invalid orport '{flag[7..]}' on DirAuthority line.", out error);
                orPort = p;
            }
            else if (flag.StartsWith("weight=", StringComparison.Ordinal))
            {
                if (!double.TryParse(flag[7..], NumberStyles.Float, CultureInfo.InvariantCulture, out double w) || w < 0)
                    return Fail($"Invalid weight '{flag}' on DirAuthority line.", out error);
                flags.Add(flag);
            }
            else if (StartsWith(flag, "v3ident="))
            {
                if (!ValueParsers.TryParseHexDigest(flag[8..], out byte[] id))
                    return Fail($"Bad v3 identity digest '{flag}' on DirAuthority line", out error);
                v3Ident = id;
            }
            else if (StartsWith(flag, "ipv6="))
            {
                if (ipv6 is not null)
                    return Fail("Redundant ipv6 addr/port on DirAuthority line", out error);
                if (!ValueParsers.TryParseAddressPort(flag[5..], portRequired: true, out IPAddress a, out int p) ||
                    a.AddressFamily != AddressFamily.InterNetworkV6)
                    return Fail($"Bad ipv6 addr/port \"{flag}\" on DirAuthority line", out error);
                ipv6 = new IPEndPoint(a, p);
            }
            else if (StartsWith(flag, "upload=") || StartsWith(flag, "download=") || StartsWith(flag, "vote="))
            {
                flags.Add(flag);
            }
            else
            {
                return Fail($"Unrecognized flag '{flag}' on DirAuthority line", out error);
            }
        }

        if (items.Count < 2)
            return Fail("Too few arguments to DirAuthority line.", out error);
        string addrport = items.Dequeue();
        int colon = addrport.LastIndexOf(':');
        if (colon < 0)
            return Fail($"Missing port in DirAuthority address '{addrport}'", out error);
        string address = addrport[..colon];
        if (!ValueParsers.TryParseIPv4(address, out IPAddress ip))
            return Fail($"Error parsing DirAuthority address '{address}' (invalid IPv4 address)", out error);
        if (!ValueParsers.TryParsePort(addrport[(colon + 1)..], out int dirPort))
            return Fail($"Error parsing DirAuthority address '{addrport}'.", out error);
        if (dirPort == 0)
            return Fail($"Missing port in DirAuthority address '{addrport}'", out error);

        string fingerprint = string.Concat(items);
        if (fingerprint.Length != 40)
            return Fail($"Key digest '{fingerprint}' for DirAuthority is wrong length {fingerprint.Length}.", out error);
        if (!ValueParsers.TryParseHexDigest(fingerprint, out byte[] digest))
            return Fail("Unable to decode DirAuthority key digest.", out error);

        authority = new DirectoryAuthority(nickname, new IPEndPoint(ip, dirPort), orPort, v3Ident, digest, flags)
        {
            Ipv6OrPort = ipv6,
        };
        error = "";
        return true;
    }

    private static bool StartsWith(string s, string prefix) => s.StartsWith(prefix, StringComparison.OrdinalIgnoreCase);

    private static bool Fail(string message, out string error)
    {
        error = message;
        return false;
    }
}
