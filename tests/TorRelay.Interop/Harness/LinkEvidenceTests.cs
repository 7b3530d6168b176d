namespace TorRelay.Interop.Harness;

public sealed class LinkEvidenceTests : IDisposable
{
    private const string PeerA = "D5516EDEFB462B1F7961C4445C88BAB9047A7400";
    private const string PeerB = "83E71F26D62F179EC33A287527A18928BAA86B06";
    private readonly string _path = Path.GetTempFileName();

    [Fact]
    public void ChannelOpenLinesAreSplitByDirection()
    {
        File.WriteAllText(_path, $"""
            Nov 22 12:42:09.000 [notice] Channel open: peer ${PeerA} inbound, authenticated
            Nov 22 12:42:10.000 [notice] Channel open: peer ${PeerB} outbound, authenticated
            Nov 22 12:42:11.000 [notice] Channel open: peer ${PeerB} inbound, unauthenticated
            Nov 22 12:42:12.000 [notice] Channel open: peer ${PeerA.ToLowerInvariant()} outbound, authenticated
            """);

        var (inbound, outbound) = LinkEvidence.AuthenticatedPeers(_path);

        Assert.Equal([PeerA], inbound);
        Assert.Equal([PeerB], outbound);
    }

    [Fact]
    public void OnlyWarningsNamingOurRelayCount()
    {
        File.WriteAllText(_path, $"""
            Nov 22 12:42:08.000 [warn] You are running Tor as root.
            Nov 22 12:42:09.000 [warn] Received http status code 404 from server 127.0.0.1:419170 while fetching consensus
            Nov 22 12:42:10.000 [notice] Connection to ourrelay at 127.0.0.1:41917 closed
            Nov 22 12:42:11.000 [warn] Problem bootstrapping. Stuck at 5%: connect to 127.0.0.1:41917 failed
            Nov 22 12:42:12.000 [warn] Received a bad CERTS cell from ${PeerA.ToLowerInvariant()}
            Nov 22 12:42:13.000 [warn] Descriptor from router ourrelay is malformed
            """);

        var warnings = LinkEvidence.WarningsAbout(_path, "ourrelay", PeerA, 41917);

        Assert.Equal(3, warnings.Count);
        Assert.Contains("12:42:11", warnings[0]);
        Assert.Contains("12:42:12", warnings[1]);
        Assert.Contains("12:42:13", warnings[2]);
    }

    public void Dispose() => File.Delete(_path);
}
