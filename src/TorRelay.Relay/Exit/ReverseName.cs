using System.Globalization;
using System.Net;

namespace TorRelay.Relay.Exit;

/// <summary>
/// Reverse-lookup names (C tor's tor_addr_parse_PTR_name): "4.3.2.1.in-addr.arpa" and the 32-nibble ".ip6.arpa" form.
/// RESOLVE may ask for them; BEGIN may not. Internal addresses are never looked up (<see cref="TorRelay.Directory.Policy.InternalAddress"/>).
/// </summary>
public static class ReverseName
{
    private const string V4Suffix = ".in-addr.arpa";
    private const string V6Suffix = ".ip6.arpa";

    public static bool IsReverseName(string name) =>
        name.EndsWith(V4Suffix, StringComparison.OrdinalIgnoreCase) || name.EndsWith(V6Suffix, StringComparison.OrdinalIgnoreCase);

    public static bool TryParse(string name, out IPAddress address)
    {
        address = IPAddress.None;
        if (name.EndsWith(V4Suffix, StringComparison.OrdinalIgnoreCase))
        {
            var octets = name[..^V4Suffix.Length].Split('.');
            if (octets.Length != 4) return false;
            var bytes = new byte[4];
            for (int i = 0; i < 4; i++)
            {
                if (octets[i].Length is 0 or > 3 || !byte.TryParse(octets[i], NumberStyles.None, CultureInfo.InvariantCulture, out bytes[3 - i]))
                    return false;
            }
            address = new IPAddress(bytes);
            return true;
        }
        if (name.EndsWith(V6Suffix, StringComparison.OrdinalIgnoreCase))
        {
            var nibbles = name[..^V6Suffix.Length].Split('.');
            if (nibbles.Length != 32) return false;
            var bytes = new byte[16];
            for (int i = 0; i < 32; i++)
            {
                if (nibbles[i].Length != 1 || !int.TryParse(nibbles[i], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int v))
                    return false;
                int index = 31 - i; // the name lists nibbles least significant first
                bytes[index / 2] |= (byte)(index % 2 == 0 ? v << 4 : v);
            }
            address = new IPAddress(bytes);
            return true;
        }
        return false;
    }
}
