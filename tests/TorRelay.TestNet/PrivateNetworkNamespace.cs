namespace TorRelay.TestNet;

/// <summary>
/// Whether this process runs in a network namespace of its own with no interface but loopback (as `unshare --net`
/// makes one): there, nothing can reach any other network, so an exit policy may accept every IPv6 address, which is
/// what a C tor client needs to see before it sends IPv6 traffic to an exit (its ipv6-policy summary counts only
/// "accept6 *6:PORTS" entries).
/// </summary>
public static class PrivateNetworkNamespace
{
    public static bool IsCurrent()
    {
        // /proc/self/net/dev lists the interfaces of the reader's own namespace (sysfs may still show the host's).
        var interfaces = File.ReadAllLines("/proc/self/net/dev").Skip(2).Select(l => l.Split(':')[0].Trim());
        return interfaces.All(name => name == "lo");
    }
}
