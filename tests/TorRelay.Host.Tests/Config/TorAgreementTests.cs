using System.Diagnostics;
using TorRelay.Host.Config;

namespace TorRelay.Host.Tests.Config;

/// <summary>Cross-checks with Debian's C tor: a torrc we accept must also be valid for tor.</summary>
public class TorAgreementTests
{
    private static (int Code, string Output) TorVerify(string torrc, string dataDir)
    {
        using var dir = new TempDir();
        string path = dir.Write("torrc", torrc.Replace("@DATADIR@", dataDir));
        var psi = new ProcessStartInfo("tor", ["--verify-config", "-f", path, "--DataDirectory", dataDir])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var p = Process.Start(psi)!;
        string output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        if (!p.WaitForExit(30_000))
        {
            p.Kill();
            throw new TimeoutException("tor --verify-config hung");
        }
        return (p.ExitCode, output);
    }

    public static TheoryData<string> AcceptedByBoth => new()
    {
        "Nickname a1\nContactInfo x\nORPort 9001\nRelayBandwidthRate 100 KBytes\nRelayBandwidthBurst 200 KBytes\n" +
        "MyFamily $0123456789ABCDEF0123456789ABCDEF01234567\nExitRelay 0\nSocksPort 0\nLog notice stdout\n",
        "ContactInfo x\nORPort 127.0.0.1:5001\nORPort [::1]:5001\nAddress 127.0.0.1\nAddressDisableIPv6 1\n" +
        "OutboundBindAddress 127.0.0.1\nAssumeReachable 1\nSocksPort 0\nTestingTorNetwork 1\n" +
        "DirAuthority auth0 orport=5000 no-v2 v3ident=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA 127.0.0.1:7000 " +
        "0123456789ABCDEF0123456789ABCDEF01234567\n",
        "ContactInfo x\nORPort 443 NoListen\nORPort 127.0.0.1:9090 NoAdvertise\nSocksPort 0\nExitRelay 1\n" +
        "ExitPolicy accept *:80,accept6 [C000::]/3:443\nExitPolicy reject *:*\nIPv6Exit 1\nMetricsPort 127.0.0.1:9035\n" +
        "MetricsPortPolicy accept 127.0.0.1\nShutdownWaitLength 5 seconds\nBandwidthRate 1.5 MBytes\nBandwidthBurst 16 Mbits\n",
    };

    [Theory]
    [MemberData(nameof(AcceptedByBoth))]
    public void TorAcceptsWhatWeAccept(string torrc)
    {
        using var data = new TempDir();
        ConfigLoader.LoadFromString(torrc.Replace("@DATADIR@", data.Path));
        var (code, output) = TorVerify(torrc, data.Path);
        Assert.True(code == 0, output);
    }

    [Theory]
    [InlineData("ORPort 9001\nSocksPort 0\nFrobnicate 1\n")]
    [InlineData("ORPort 9001\nSocksPort 0\nNickname bad_name\n")]
    [InlineData("ORPort 9001\nORPort 0\nSocksPort 0\n")]
    [InlineData("ORPort 9001 NoListen NoAdvertise\nSocksPort 0\n")]
    [InlineData("ORPort 9001\nSocksPort 0\nTestingTorNetwork 1\n")]
    [InlineData("ORPort 9001\nSocksPort 0\nTestingMinTimeToReportBandwidth 0 seconds\n")]
    [InlineData("ORPort 9001\nSocksPort 0\nBandwidthRate 10 KB\n")]
    [InlineData("ORPort 9001\nSocksPort 0\nRelayBandwidthRate 200 KB\nRelayBandwidthBurst 100 KB\n")]
    [InlineData("ORPort 9001\nSocksPort 0\nAssumeReachable yes\n")]
    [InlineData("ORPort 9001\nSocksPort 0\nPublishServerDescriptor v4\n")]
    [InlineData("ORPort 9001\nSocksPort 0\nOutboundBindAddress 127.0.0.1\nOutboundBindAddress 127.0.0.2\n")]
    [InlineData("ORPort 9001\nSocksPort 0\nLog notice pigeon\n")]
    [InlineData("ORPort 9001\nSocksPort 0\nMetricsPort 9035 json\n")]
    [InlineData("ORPort 9001\nSocksPort 0\nDirAuthority auth0 127.0.0.1:7000\n")]
    [InlineData("ORPort 9001\nSocksPort 0\nKey \"unterminated\n")]
    public void TorRejectsWhatWeReject(string torrc)
    {
        using var data = new TempDir();
        Assert.Throws<ConfigException>(() => ConfigLoader.LoadFromString(torrc));
        var (code, output) = TorVerify(torrc, data.Path);
        Assert.True(code != 0, output);
    }
}
