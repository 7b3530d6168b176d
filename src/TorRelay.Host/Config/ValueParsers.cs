using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace TorRelay.Host.Config;

/// <summary>Scalar value syntax shared by options, as tor's type_defs.c and address.c accept it.</summary>
public static class ValueParsers
{
    /// <summary>tor's BOOL: exactly "0" or "1".</summary>
    public static bool TryParseBool(string v, out bool value, out string error)
    {
        value = v == "1";
        error = v is "0" or "1" ? "" : $"Unrecognized value {v}. Allowed values are 0 and 1.";
        return error.Length == 0;
    }

    /// <summary>tor's AUTOBOOL: "0", "1" or "auto" (null).</summary>
    public static bool TryParseAutoBool(string v, out bool? value, out string error)
    {
        value = null;
        error = "";
        if (v == "0" || v == "1")
            value = v == "1";
        else if (!v.Equals("auto", StringComparison.OrdinalIgnoreCase))
            error = $"Unrecognized value {v}. Allowed values are 0, 1, and auto.";
        return error.Length == 0;
    }

    /// <summary>tor's POSINT: 0 .. INT_MAX in decimal.</summary>
    public static bool TryParsePosInt(string v, out int value, out string error)
    {
        bool ok = int.TryParse(v, NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite,
            CultureInfo.InvariantCulture, out value) && value >= 0;
        error = ok ? "" : $"Integer {v} is malformed or out of bounds. Allowed values are between 0 and {int.MaxValue}.";
        return ok;
    }

    /// <summary>A port number 0..65535 in decimal (tor_parse_long with base 10).</summary>
    public static bool TryParsePort(string v, out int port) =>
        int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is >= 0 and <= 65535;

    /// <summary>tor_addr_parse: an IPv4 dotted quad or an IPv6 address, bracketed or not.</summary>
    public static bool TryParseAddress(string v, out IPAddress address)
    {
        address = IPAddress.None;
        string s = v.Length > 1 && v[0] == '[' && v[^1] == ']' ? v[1..^1] : v;
        if (s.Length == 0 || s.Contains('%'))
            return false;
        if (s.Contains(':'))
            return IPAddress.TryParse(s, out address!) && address.AddressFamily == AddressFamily.InterNetworkV6;
        return TryParseIPv4(s, out address);
    }

    /// <summary>A dotted quad as tor_inet_aton: four decimal octets of up to 3 digits, no shorthand forms.</summary>
    public static bool TryParseIPv4(string s, out IPAddress address)
    {
        address = IPAddress.None;
        string[] parts = s.Split('.');
        if (parts.Length != 4)
            return false;
        var bytes = new byte[4];
        for (int i = 0; i < 4; i++)
        {
            string p = parts[i];
            if (p.Length is 0 or > 3 || !p.All(char.IsAsciiDigit))
                return false;
            int n = int.Parse(p, CultureInfo.InvariantCulture);
            if (n > 255)
                return false;
            bytes[i] = (byte)n;
        }
        address = new IPAddress(bytes);
        return true;
    }

    /// <summary>
    /// <c>addr:port</c> with IPv6 in brackets (tor_addr_port_split on a literal address). Port may be absent
    /// (returned as 0) when <paramref name="portRequired"/> is false.
    /// </summary>
    public static bool TryParseAddressPort(string v, bool portRequired, out IPAddress address, out int port)
    {
        address = IPAddress.None;
        port = 0;
        string addr = v;
        string? portText = null;
        if (v.StartsWith('['))
        {
            int close = v.IndexOf(']');
            if (close < 0)
                return false;
            addr = v[..(close + 1)];
            string rest = v[(close + 1)..];
            if (rest.Length > 0)
            {
                if (rest[0] != ':')
                    return false;
                portText = rest[1..];
            }
        }
        else
        {
            int colon = v.LastIndexOf(':');
            if (colon >= 0)
            {
                if (v.IndexOf(':') != colon)
                    return false; // an unbracketed IPv6 address cannot carry a port
                addr = v[..colon];
                portText = v[(colon + 1)..];
            }
        }
        if (!TryParseAddress(addr, out address))
            return false;
        if (portText is null)
            return !portRequired;
        return TryParsePort(portText, out port) && (port != 0 || !portRequired);
    }

    /// <summary>tor's is_legal_nickname: 1 to 19 characters from [A-Za-z0-9].</summary>
    public static bool IsLegalNickname(string s) => s.Length is >= 1 and <= 19 && s.All(char.IsAsciiLetterOrDigit);

    /// <summary>40 hex digits into 20 bytes.</summary>
    public static bool TryParseHexDigest(string s, out byte[] digest)
    {
        digest = [];
        if (s.Length != 40 || !s.All(char.IsAsciiHexDigit))
            return false;
        digest = Convert.FromHexString(s);
        return true;
    }

    /// <summary>tor's expand_filename: a leading "~" or "~/" means the home directory.</summary>
    public static string ExpandHome(string path)
    {
        if (path == "~" || path.StartsWith("~/", StringComparison.Ordinal))
        {
            string home = Environment.GetEnvironmentVariable("HOME") ??
                          Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            return path == "~" ? home : Path.Join(home, path[2..]);
        }
        return path;
    }
}
