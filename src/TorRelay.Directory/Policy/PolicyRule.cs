using System.Net;
using System.Net.Sockets;

namespace TorRelay.Directory.Policy;

/// <summary>
/// One exit policy rule (addr_policy_t) after C tor's expansion: an action, an IPv4 or IPv6 network (mask bits 0
/// is "*4" or "*6", every address of the family) and an inclusive port range. "*" and "private" never survive
/// parsing: they expand into several rules.
/// </summary>
public readonly record struct PolicyRule
{
    private readonly PolicyAddress _address;

    internal PolicyRule(PolicyAction action, PolicyAddress address, int maskBits, ushort portMin, ushort portMax)
    {
        Action = action;
        _address = address;
        MaskBits = maskBits;
        PortMin = portMin;
        PortMax = portMax;
    }

    /// <param name="address">An IPv4 or IPv6 address; with <paramref name="maskBits"/> 0 the family's wildcard.</param>
    public PolicyRule(PolicyAction action, IPAddress address, int maskBits, ushort portMin, ushort portMax)
        : this(action, PolicyAddress.From(address), maskBits, portMin, portMax)
    {
        int width = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        ArgumentOutOfRangeException.ThrowIfNegative(maskBits);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maskBits, width);
        ArgumentOutOfRangeException.ThrowIfZero(portMin);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(portMin, portMax);
    }

    /// <summary>"accept|reject *4|*6:lo-hi": every address of one family.</summary>
    public static PolicyRule Wildcard(PolicyAction action, AddressFamily family, ushort portMin = 1, ushort portMax = 65535) =>
        new(action, new PolicyAddress(family, 0), 0, portMin, portMax);

    public PolicyAction Action { get; }

    /// <summary>InterNetwork or InterNetworkV6.</summary>
    public AddressFamily Family => _address.Family;

    /// <summary>The network address as written (C tor keeps host bits below the mask, e.g. 1.2.3.4/8).</summary>
    public IPAddress Address => _address.ToIPAddress();

    public int MaskBits { get; }

    /// <summary>Lowest port matched (at least 1).</summary>
    public ushort PortMin { get; }

    public ushort PortMax { get; }

    /// <summary>Matches every address of its family ("*4" or "*6").</summary>
    public bool IsWildcard => MaskBits == 0;

    /// <summary>prt_min &lt;= 1 and prt_max == 65535: every port (":*").</summary>
    public bool CoversAllPorts => PortMin <= 1 && PortMax == 65535;

    internal PolicyAddress NetworkAddress => _address;

    internal bool MatchesAddress(PolicyAddress a) => a.MatchesMasked(_address, MaskBits);

    internal bool MatchesPort(ushort port) => PortMin <= port && port <= PortMax;

    /// <summary>
    /// Parses a torrc ExitPolicy value: one entry or several separated by commas (parse_addr_policy). Any malformed
    /// entry fails the whole value, as C tor then discards the list; entries C tor ignores (accept6/reject6 with an
    /// IPv4 address or "private") add no rules.
    /// </summary>
    public static bool TryParse(string torrcEntry, out PolicyRule[] rules, out string error) =>
        TryParse(torrcEntry, out rules, out error, warnings: null);

    /// <summary>As <see cref="TryParse(string, out PolicyRule[], out string)"/>, collecting C tor's warnings.</summary>
    public static bool TryParse(string torrcEntry, out PolicyRule[] rules, out string error, ICollection<string>? warnings)
    {
        var list = new List<PolicyRule>();
        bool ok = PolicyEntryParser.TryParseValue(torrcEntry, list, out error, warnings);
        rules = ok ? [.. list] : [];
        return ok;
    }

    /// <summary>
    /// One torrc policy entry (no commas), as router_parse_addr_policy_item_from_string reads it: false with C tor's
    /// reason when malformed; an entry C tor ignores (accept6/reject6 with an IPv4 address or "private") gives no
    /// rules and C tor's warning in <paramref name="ignored"/>.
    /// </summary>
    public static bool TryParseEntry(string entry, out PolicyRule[] rules, out string error, out string ignored)
    {
        var list = new List<PolicyRule>();
        bool ok = PolicyEntryParser.TryParseEntry(entry, list, out error, out ignored);
        rules = [.. list];
        return ok;
    }

    /// <summary>policy_write_item(..., format_for_desc=0): torrc syntax, e.g. "reject *4:25", "accept [::1]:80-81".</summary>
    public override string ToString() => Format(forDescriptor: false);

    /// <summary>
    /// policy_write_item(..., format_for_desc=1): descriptor syntax, e.g. "accept *:80", "reject 10.0.0.0/8:*",
    /// "reject6 [fc00::]/7:*".
    /// </summary>
    public string ToDescriptorString() => Format(forDescriptor: true);

    private string Format(bool forDescriptor)
    {
        bool v6 = _address.IsIPv6;
        string keyword = (Action == PolicyAction.Accept ? "accept" : "reject") + (v6 && forDescriptor ? "6" : "");
        string address = MaskBits == 0 ? (forDescriptor ? "*" : v6 ? "*6" : "*4") : _address.ToString();
        string mask = MaskBits > 0 && MaskBits < (v6 ? 128 : 32) ? $"/{MaskBits}" : "";
        string ports = CoversAllPorts ? "*" : PortMin == PortMax ? $"{PortMin}" : $"{PortMin}-{PortMax}";
        return $"{keyword} {address}{mask}:{ports}";
    }
}
