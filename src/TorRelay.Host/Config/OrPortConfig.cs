using System.Net;
using System.Net.Sockets;

namespace TorRelay.Host.Config;

/// <summary>
/// One ORPort listener/advertisement after tor's expansion (port_parse_config run for 0.0.0.0 and [::], then
/// remove_duplicate_orports): "ORPort 9001" yields 0.0.0.0:9001 and [::]:9001.
/// </summary>
/// <param name="Port">The port; 0 when <paramref name="IsAuto"/>.</param>
/// <param name="ExplicitAddress">The line named an address (it supersedes an implicit one on the same port).</param>
public sealed record OrPortConfig(
    IPAddress Address,
    int Port,
    bool IsAuto,
    bool ExplicitAddress,
    bool NoListen,
    bool NoAdvertise,
    bool IPv4Only,
    bool IPv6Only)
{
    public bool IsIPv4 => Address.AddressFamily == AddressFamily.InterNetwork;

    /// <summary>We bind a socket for it.</summary>
    public bool Listens => !NoListen;

    /// <summary>It goes into our descriptor.</summary>
    public bool Advertised => !NoAdvertise;

    public IPEndPoint EndPoint => new(Address, Port);

    public override string ToString() =>
        (Address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{Address}]" : Address.ToString()) + ":" +
        (IsAuto ? "auto" : Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
}
