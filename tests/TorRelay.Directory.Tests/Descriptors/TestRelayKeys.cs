using System.Net;
using TorRelay.Cells.Certs;
using TorRelay.Crypto;
using TorRelay.Directory.Descriptors;

namespace TorRelay.Directory.Tests.Descriptors;

/// <summary>A fresh set of relay keys and a descriptor input built from them.</summary>
internal sealed class TestRelayKeys : IDisposable
{
    public RsaPrivateKey Identity { get; } = RsaPrivateKey.Generate(1024);
    public RsaPrivateKey Onion { get; } = RsaPrivateKey.Generate(1024);
    public Ed25519KeyPair Master { get; } = Ed25519KeyPair.Generate();
    public Ed25519KeyPair Signing { get; } = Ed25519KeyPair.Generate();
    public Curve25519KeyPair Ntor { get; } = Curve25519KeyPair.Generate();
    public Ed25519Cert SigningCert { get; }

    public TestRelayKeys(DateTimeOffset? certExpires = null)
    {
        SigningCert = Ed25519Cert.Create(CertType.Ed25519Signing, CertKeyType.Ed25519, Signing.PublicKey.Bytes,
            certExpires ?? DateTimeOffset.UtcNow.AddDays(30), Master, includeSignedWithKey: true);
    }

    public DescriptorInput Input(DateTimeOffset? published = null, int orPort = 9001) => new()
    {
        Nickname = "TorRelayTest",
        Address = IPAddress.Loopback,
        OrPort = orPort,
        Platform = "TorRelay 0.1.0 on .NET 10",
        Protocols = "Cons=1-2 Desc=1-2 DirCache=2 FlowCtrl=1-2 HSDir=2 HSIntro=4-5 HSRend=1-2 Link=4-5 LinkAuth=3 " +
                    "Microdesc=1-2 Padding=2 Relay=1-4",
        Published = published ?? DateTimeOffset.UtcNow,
        UptimeSeconds = 0,
        BandwidthAverage = 1073741824,
        BandwidthBurst = 1073741824,
        BandwidthObserved = 0,
        ExitPolicy = ["reject *:*"],
        TunnelledDirServer = true,
        IdentityKey = Identity,
        SigningKey = Signing,
        SigningKeyCert = SigningCert,
        MasterKey = Master.PublicKey,
        OnionKey = Onion,
        NtorOnionKey = Ntor,
    };

    public void Dispose()
    {
        Identity.Dispose();
        Onion.Dispose();
        Master.Dispose();
        Signing.Dispose();
        Ntor.Dispose();
    }
}
