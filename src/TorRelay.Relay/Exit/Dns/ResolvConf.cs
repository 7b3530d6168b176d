using System.Globalization;
using System.Net;

namespace TorRelay.Relay.Exit.Dns;

/// <summary>
/// resolv.conf(5) as libevent's evdns reads it for C tor: "nameserver ADDR" where ADDR may carry a port ("1.2.3.4:5353",
/// "[::1]:5353"; 53 otherwise), "domain D" and "search D1 D2 …" (the last of either wins), "options ndots:N timeout:S
/// attempts:N"; other lines and '#'/';' comments are ignored. Parsing never fails: a bad entry is listed in
/// <see cref="BadNameservers"/> and skipped.
/// </summary>
public sealed record ResolvConf(
    IReadOnlyList<IPEndPoint> Nameservers,
    IReadOnlyList<string> SearchDomains,
    int Ndots,
    TimeSpan? Timeout,
    int? Attempts,
    IReadOnlyList<string> BadNameservers)
{
    public const int DefaultPort = 53;
    /// <summary>evdns's default ndots.</summary>
    public const int DefaultNdots = 1;
    /// <summary>evdns caps attempts at 255.</summary>
    private const int MaxAttempts = 255;

    /// <summary>What evdns falls back to when no nameserver is configured: 127.0.0.1.</summary>
    public static readonly IPEndPoint LocalNameserver = new(IPAddress.Loopback, DefaultPort);

    public static ResolvConf Parse(string text)
    {
        var nameservers = new List<IPEndPoint>();
        var bad = new List<string>();
        IReadOnlyList<string> search = [];
        int ndots = DefaultNdots;
        TimeSpan? timeout = null;
        int? attempts = null;
        foreach (string rawLine in text.Split('\n'))
        {
            int comment = rawLine.IndexOfAny(['#', ';']);
            string[] tokens = (comment < 0 ? rawLine : rawLine[..comment])
                .Split([' ', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries);
            if (tokens.Length < 2) continue;
            switch (tokens[0])
            {
                case "nameserver":
                    if (TryParseNameserver(tokens[1], out var endpoint)) nameservers.Add(endpoint);
                    else bad.Add(tokens[1]);
                    break;
                case "domain":
                    search = [tokens[1]];
                    break;
                case "search":
                    search = tokens[1..];
                    break;
                case "options":
                    foreach (string option in tokens.AsSpan(1)) ApplyOption(option, ref ndots, ref timeout, ref attempts);
                    break;
            }
        }
        return new ResolvConf(nameservers, search, ndots, timeout, attempts, bad);
    }

    /// <summary>evutil_parse_sockaddr_port: "A.B.C.D", "A.B.C.D:P", "IPv6", "[IPv6]" or "[IPv6]:P"; port 0 means 53.</summary>
    public static bool TryParseNameserver(string text, out IPEndPoint endpoint)
    {
        endpoint = LocalNameserver;
        if (!IPEndPoint.TryParse(text, out var parsed)) return false;
        if (text.Count(c => c == '.') is not (0 or 3)) return false; // no inet_aton shorthands ("127.1")
        endpoint = parsed.Port == 0 ? new IPEndPoint(parsed.Address, DefaultPort) : parsed;
        return true;
    }

    private static void ApplyOption(string option, ref int ndots, ref TimeSpan? timeout, ref int? attempts)
    {
        int colon = option.IndexOf(':');
        if (colon < 0) return;
        string name = option[..colon], value = option[(colon + 1)..];
        switch (name)
        {
            case "ndots" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int n):
                ndots = n;
                break;
            case "timeout" when double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double s)
                                && s >= 0.001:
                timeout = TimeSpan.FromSeconds(s);
                break;
            case "attempts" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int a):
                attempts = Math.Min(a, MaxAttempts);
                break;
        }
    }
}
