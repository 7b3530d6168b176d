using System.Net;
using System.Net.Sockets;
using System.Text;

namespace TorRelay.Relay.Exit.Dns;

/// <summary>The PTR query name for an address (RFC 1035 §3.5 in-addr.arpa, RFC 3596 §2.5 ip6.arpa nibbles).</summary>
public static class PtrQueryName
{
    public static string For(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        byte[] bytes = address.GetAddressBytes();
        var name = new StringBuilder();
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            for (int i = 3; i >= 0; i--) name.Append(bytes[i]).Append('.');
            return name.Append("in-addr.arpa").ToString();
        }
        for (int i = 15; i >= 0; i--)
            name.Append(HexDigit(bytes[i] & 0xF)).Append('.').Append(HexDigit(bytes[i] >> 4)).Append('.');
        return name.Append("ip6.arpa").ToString();
    }

    private static char HexDigit(int value) => (char)(value < 10 ? '0' + value : 'a' + value - 10);
}
