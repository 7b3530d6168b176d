using System.Globalization;

namespace TorRelay.TestNet;

/// <summary>
/// Whether a TCP port is in LISTEN state on loopback or a wildcard address, from /proc/net/tcp{,6}. Checking there,
/// rather than connecting, never sends a half-open connection into a relay's TLS handshake.
/// </summary>
internal static class ListeningPorts
{
    private const string Listen = "0A";

    // Hex as the kernel prints it: 127.0.0.1 and 0.0.0.0; IPv6 ::, ::ffff:127.0.0.1 and ::1.
    private static readonly HashSet<string> Addresses = new(StringComparer.OrdinalIgnoreCase)
    {
        "0100007F", "00000000",
        "00000000000000000000000000000000", "0000000000000000FFFF00000100007F", "00000000000000000000000001000000",
    };

    public static bool IsListening(int port) => IsListening("/proc/net/tcp", port) || IsListening("/proc/net/tcp6", port);

    private static bool IsListening(string table, int port)
    {
        try
        {
            foreach (string line in File.ReadLines(table).Skip(1))
            {
                // "sl local_address rem_address st ..."; local_address is "0100007F:1F90".
                string[] f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (f.Length < 4 || f[3] != Listen)
                    continue;
                int colon = f[1].IndexOf(':');
                if (colon < 0 || !Addresses.Contains(f[1][..colon]))
                    continue;
                if (int.TryParse(f[1].AsSpan(colon + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out int p)
                    && p == port)
                    return true;
            }
        }
        catch (IOException)
        {
        }
        return false;
    }
}
