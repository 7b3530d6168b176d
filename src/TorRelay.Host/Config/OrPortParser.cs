using System.Net;
using System.Net.Sockets;

namespace TorRelay.Host.Config;

/// <summary>
/// ORPort lines as tor's port_parse_config with CL_PORT_SERVER_OPTIONS, port_parse_ports_relay and
/// check_and_prune_server_ports: <c>[address:]port|auto [NoListen|NoAdvertise|IPv4Only|IPv6Only]...</c>.
/// </summary>
public static class OrPortParser
{
    private sealed record Parsed(ConfigLine Line, IPAddress? Address, int Port, bool IsAuto,
        bool NoListen, bool NoAdvertise, bool IPv4Only, bool IPv6Only);

    /// <summary>Parses all ORPort lines; an empty result means the ORPort is off (unset or 0).</summary>
    /// <param name="warnings">Receives tor's "superseded" notes.</param>
    public static IReadOnlyList<OrPortConfig> Parse(IReadOnlyList<ConfigLine> lines, ICollection<string>? warnings = null)
    {
        var parsed = lines.Select(ParseLine).ToList();
        if (parsed.Any(p => p.Port == 0 && !p.IsAuto) && parsed.Any(p => p.Port != 0 || p.IsAuto))
        {
            throw ConfigException.At(parsed.First(p => p.Port == 0 && !p.IsAuto).Line,
                "You specified a nonzero ORPort along with 'ORPort 0' in the same configuration. " +
                "Did you mean to disable ORPort or not?");
        }

        // tor parses the lines twice, once with 0.0.0.0 and once with [::] as the implicit address.
        var ports = new List<OrPortConfig>();
        foreach (IPAddress implicitAddress in new[] { IPAddress.Any, IPAddress.IPv6Any })
        {
            foreach (Parsed p in parsed)
            {
                if (p.Port == 0 && !p.IsAuto)
                    continue;
                IPAddress addr = p.Address ?? implicitAddress;
                bool v4 = addr.AddressFamily == AddressFamily.InterNetwork;
                if ((p.IPv4Only && !v4) || (p.IPv6Only && v4))
                {
                    if (p.Address is not null)
                        throw ConfigException.At(p.Line, $"Could not interpret ORPort address as IPv{(p.IPv4Only ? 4 : 6)}");
                    continue; // the other pass configures it with the right family
                }
                ports.Add(new OrPortConfig(addr, p.Port, p.IsAuto, p.Address is not null,
                    p.NoListen, p.NoAdvertise, p.IPv4Only, p.IPv6Only));
            }
        }
        ports = RemoveDuplicates(ports, warnings);
        Check(ports, lines);
        return ports;
    }

    private static Parsed ParseLine(ConfigLine line)
    {
        string[] elts = line.Value.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (elts.Length == 0)
            throw ConfigException.At(line, "Invalid ORPort line with no address");
        string addrport = elts[0];
        if (addrport.StartsWith("unix:", StringComparison.Ordinal))
            throw ConfigException.At(line, "ORPort does not support unix sockets");

        IPAddress? address = null;
        int port;
        bool isAuto = false;
        if (addrport.Equals("auto", StringComparison.OrdinalIgnoreCase))
        {
            isAuto = true;
            port = 0;
        }
        else if (addrport.EndsWith(":auto", StringComparison.OrdinalIgnoreCase))
        {
            isAuto = true;
            port = 0;
            if (!ValueParsers.TryParseAddressPort(addrport[..^5], portRequired: false, out IPAddress a, out int p) || p != 0)
                throw ConfigException.At(line, $"Invalid address '{addrport}' for ORPort");
            address = a;
        }
        else if (ValueParsers.TryParsePort(addrport, out port))
        {
            // "Try parsing integer port before address": a bare number is a port.
        }
        else if (ValueParsers.TryParseAddressPort(addrport, portRequired: false, out IPAddress a, out int p))
        {
            if (p == 0)
                throw ConfigException.At(line, "ORPort line has address but no port");
            address = a;
            port = p;
        }
        else
        {
            throw ConfigException.At(line, $"Couldn't parse address '{addrport}' for ORPort");
        }

        bool noListen = false, noAdvertise = false, v4Only = false, v6Only = false;
        foreach (string flag in elts.Skip(1))
        {
            if (flag.Equals("NoAdvertise", StringComparison.OrdinalIgnoreCase))
                noAdvertise = true;
            else if (flag.Equals("NoListen", StringComparison.OrdinalIgnoreCase))
                noListen = true;
            else if (flag.Equals("IPv4Only", StringComparison.OrdinalIgnoreCase))
                v4Only = true;
            else if (flag.Equals("IPv6Only", StringComparison.OrdinalIgnoreCase))
                v6Only = true;
            else
                throw ConfigException.At(line, $"Unrecognized ORPort option '{flag}'");
        }
        if (noAdvertise && noListen)
            throw ConfigException.At(line, $"Tried to set both NoListen and NoAdvertise on ORPort line '{line.Value}'");
        if (v4Only && v6Only)
            throw ConfigException.At(line, $"Tried to set both IPv4Only and IPv6Only on ORPort line '{line.Value}'");
        return new Parsed(line, address, port, isAuto, noListen, noAdvertise, v4Only, v6Only);
    }

    /// <summary>remove_duplicate_orports: explicit addresses supersede implicit ones on the same port and family.</summary>
    private static List<OrPortConfig> RemoveDuplicates(List<OrPortConfig> ports, ICollection<string>? warnings)
    {
        var removing = new bool[ports.Count];
        for (int i = 0; i < ports.Count; i++)
        {
            if (removing[i])
                continue;
            OrPortConfig current = ports[i];
            for (int j = 0; j < ports.Count; j++)
            {
                if (i == j || removing[j])
                    continue;
                OrPortConfig next = ports[j];
                if (current == next)
                {
                    removing[j] = true;
                    continue;
                }
                if (current.Address.AddressFamily != next.Address.AddressFamily)
                    continue;
                if (!current.Address.Equals(next.Address) && current.ExplicitAddress && next.ExplicitAddress)
                    continue;
                if (current.Port == next.Port && current.IsAuto == next.IsAuto)
                {
                    if (!current.ExplicitAddress && next.ExplicitAddress)
                        continue;
                    removing[j] = true;
                    warnings?.Add($"Configuration port ORPort {next} superseded by ORPort {current}");
                }
            }
        }
        return ports.Where((_, i) => !removing[i]).ToList();
    }

    private static void Check(List<OrPortConfig> ports, IReadOnlyList<ConfigLine> lines)
    {
        if (ports.Count == 0)
            return;
        ConfigLine last = lines[^1];
        bool advertised = ports.Any(p => p.Advertised);
        bool listening = ports.Any(p => p.Listens);
        if (advertised && !listening)
            throw ConfigException.At(last, "We are advertising an ORPort, but not actually listening on one.");
        if (listening && !advertised)
        {
            throw ConfigException.At(last, "We are listening on an ORPort, but not advertising any ORPorts. This " +
                                           "will keep us from building a router descriptor, and make us impossible to use.");
        }
        if (advertised && !ports.Any(p => p.Advertised && p.IsIPv4))
        {
            throw ConfigException.At(last, "Configured public relay to listen only on an IPv6 address. Tor needs " +
                                           "to listen on an IPv4 address too.");
        }
    }
}
