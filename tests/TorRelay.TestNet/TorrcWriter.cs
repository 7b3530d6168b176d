using System.Text;

namespace TorRelay.TestNet;

/// <summary>
/// The torrc of each role, after Chutney's templates and /work/shared/TESTNET.md: loopback only, fast voting,
/// every flag granted at once so a relay is usable in its first consensus.
/// </summary>
internal static class TorrcWriter
{
    /// <summary>Enough for <c>tor --list-fingerprint</c> to create a node's identity keys; never networks.</summary>
    public static string KeyGeneration(TorNode node, string emptyFile)
    {
        var t = new StringBuilder();
        Line(t, "TestingTorNetwork 1");
        // A throwaway authority: TestingTorNetwork refuses the public ones, the real lines are not known yet.
        Line(t, "DirAuthority keygen orport=1 no-v2 v3ident=" + new string('0', 40) + " 127.0.0.1:1 " + new string('0', 40));
        Line(t, $"DataDirectory {node.DataDirectory}");
        Line(t, $"Nickname {node.Nickname}");
        Line(t, $"ORPort 127.0.0.1:{node.OrPort}");
        Line(t, "SocksPort 0");
        Line(t, $"GeoIPFile {emptyFile}");
        Line(t, $"GeoIPv6File {emptyFile}");
        return t.ToString();
    }

    public static string DirAuthorityLine(TorNode authority) =>
        $"DirAuthority {authority.Nickname} orport={authority.OrPort} no-v2 v3ident={authority.V3Identity} " +
        $"127.0.0.1:{authority.DirPort} {authority.Fingerprint}";

    /// <summary>A C tor node of any role.</summary>
    public static string CTor(TorNode node, IReadOnlyList<TorNode> authorities, IReadOnlyList<TorNode> exits,
        string emptyFile, string resolvConf, int owningPid, IReadOnlyList<string>? clientExtraLines = null, TorNode? ourRelay = null)
    {
        var t = new StringBuilder();
        Line(t, $"# {node.Role} {node.Nickname}, written by TorRelay.TestNet");
        Common(t, node, authorities);
        Line(t, "AddressDisableIPv6 1");
        Line(t, "ClientUseIPv6 0");
        Line(t, "PathsNeededToBuildCircuits 0.67");
        Line(t, $"PidFile {Path.Combine(node.DataDirectory, "pid")}");
        Line(t, "SafeLogging 0");
        Line(t, "ProtocolWarnings 1");
        Line(t, "ShutdownWaitLength 0");
        Line(t, "RunAsDaemon 0");
        // Tor exits by itself when the process that started it dies, even by SIGKILL.
        Line(t, $"__OwningControllerProcess {owningPid}");
        Line(t, $"GeoIPFile {emptyFile}");
        Line(t, $"GeoIPv6File {emptyFile}");
        // No authentication: a bare AUTHENTICATE "" works. Bound to loopback only.
        Line(t, $"ControlPort 127.0.0.1:{node.ControlPort}");

        switch (node.Role)
        {
            case NodeRole.Authority:
                Authority(t, node, exits);
                break;
            case NodeRole.Client:
                Line(t, $"SocksPort 127.0.0.1:{node.SocksPort}");
                // Exits accept only 127.0.0.1, which microdescriptors summarise as reject-all.
                Line(t, "UseMicrodescriptors 0");
                foreach (var extra in clientExtraLines ?? []) Line(t, extra);
                break;
            case NodeRole.BridgeClient:
                Line(t, $"SocksPort 127.0.0.1:{node.SocksPort}");
                // A bridge client gets all its directory information through the bridge, and must use
                // microdescriptors to build circuits at all (0.4.9.11: UseBridges with full descriptors builds none).
                Line(t, "UseBridges 1");
                Line(t, $"Bridge 127.0.0.1:{ourRelay?.OrPort}");
                Line(t, "UseMicrodescriptors 1");
                // Started with the network but kept offline until the bridge's cache has a consensus (the test
                // or caller sends SETCONF DisableNetwork=0): early 404s make tor back off for minutes.
                Line(t, "DisableNetwork 1");
                break;
            case NodeRole.Exit:
                Line(t, "ExitRelay 1");
                Line(t, "ExitPolicy accept 127.0.0.1:*");
                Line(t, "ExitPolicy reject *:*");
                Line(t, "ExitPolicyRejectPrivate 0");
                Line(t, "ExitPolicyRejectLocalInterfaces 0");
                Line(t, $"ServerDNSResolvConfFile {resolvConf}");
                Line(t, "ServerDNSDetectHijacking 0");
                Line(t, "ServerDNSAllowBrokenConfig 1");
                break;
            default: // Relay, and the C tor stand-in for our relay
                Line(t, "ExitRelay 0");
                Line(t, "ExitPolicy reject *:*");
                break;
        }
        return t.ToString();
    }

    /// <summary>Our relay's torrc: only the options it supports.</summary>
    public static string OurRelay(TorNode node, IReadOnlyList<TorNode> authorities, string? exitLines = null)
    {
        var t = new StringBuilder();
        Common(t, node, authorities);
        t.Append(exitLines ?? "ExitRelay 0\n");
        if (node.MetricsPort != 0)
        {
            Line(t, $"MetricsPort 127.0.0.1:{node.MetricsPort}");
            Line(t, "MetricsPortPolicy accept 127.0.0.1");
        }
        return t.ToString();
    }

    /// <summary>
    /// Makes our relay an exit for 127.0.0.1 only (and every IPv6 address with <paramref name="acceptIPv6"/>, inside a
    /// private network namespace), resolving names through <paramref name="resolvConf"/>.
    /// </summary>
    public static string OurExit(string resolvConf, bool acceptIPv6 = false)
    {
        var t = new StringBuilder();
        Line(t, "ExitRelay 1");
        Line(t, "ExitPolicy accept 127.0.0.1:*");
        if (acceptIPv6)
        {
            Line(t, "IPv6Exit 1");
            Line(t, "ExitPolicy accept6 *6:*");
        }
        Line(t, "ExitPolicy reject *:*");
        Line(t, "ExitPolicyRejectPrivate 0");
        Line(t, $"ServerDNSResolvConfFile {resolvConf}");
        return t.ToString();
    }

    private static void Common(StringBuilder t, TorNode node, IReadOnlyList<TorNode> authorities)
    {
        Line(t, "TestingTorNetwork 1");
        foreach (var a in authorities)
            Line(t, DirAuthorityLine(a));
        Line(t, $"Nickname {node.Nickname}");
        Line(t, $"DataDirectory {node.DataDirectory}");
        Line(t, $"ContactInfo {node.Nickname}@testnet.invalid");
        Line(t, $"Log notice file {node.NoticeLogPath}");
        Line(t, $"Log info file {node.InfoLogPath}");
        if (node.OrPort != 0)
        {
            Line(t, $"ORPort 127.0.0.1:{node.OrPort}");
            Line(t, "AssumeReachable 1");
        }
        Line(t, "Address 127.0.0.1");
        Line(t, "OutboundBindAddress 127.0.0.1");
        if (node.Role is not (NodeRole.Client or NodeRole.BridgeClient))
            Line(t, "SocksPort 0");
    }

    private static void Authority(StringBuilder t, TorNode node, IReadOnlyList<TorNode> exits)
    {
        Line(t, "AuthoritativeDirectory 1");
        Line(t, "V3AuthoritativeDirectory 1");
        Line(t, $"DirPort 127.0.0.1:{node.DirPort}");
        Line(t, "ExitPolicy reject *:*");
        // Authorities test every relay's ORPort (TLS + link handshake) before voting it Running.
        Line(t, "AuthDirTestReachability 1");
        // Chutney's fast voting: a consensus every 20 s.
        Line(t, "V3AuthVotingInterval 20");
        Line(t, "V3AuthVoteDelay 4");
        Line(t, "V3AuthDistDelay 4");
        Line(t, "TestingV3AuthInitialVotingInterval 20");
        Line(t, "TestingV3AuthInitialVoteDelay 4");
        Line(t, "TestingV3AuthInitialDistDelay 4");
        Line(t, "V3AuthNIntervalsValid 2");
        // Flags in the first consensus: no measured bandwidth or uptime needed.
        Line(t, "TestingMinExitFlagThreshold 0");
        Line(t, "AuthDirFastGuarantee 1");
        Line(t, "AuthDirVoteStableGuaranteeMinUptime 0");
        Line(t, "AuthDirVoteStableGuaranteeMTBF 0");
        Line(t, "TestingDirAuthVoteGuard *");
        Line(t, "TestingDirAuthVoteHSDir *");
        if (exits.Count > 0)
            Line(t, "TestingDirAuthVoteExit " + string.Join(",", exits.Select(e => "$" + e.Fingerprint)));
    }

    private static void Line(StringBuilder t, string line) => t.Append(line).Append('\n');
}
