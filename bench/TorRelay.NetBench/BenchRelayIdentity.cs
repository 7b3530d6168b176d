using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using TorRelay.Core.Channels;
using TorRelay.Crypto;
using TorRelay.Relay;
using TorRelay.Relay.Keys;

namespace TorRelay.NetBench;

/// <summary>
/// A throwaway relay identity for load generators and sinks: keys made by the relay's own key store in a temporary
/// directory, link credentials and TLS from Core, and channel managers that speak the link protocol with them (the
/// sinks' ORPorts). Generators only use its TLS certificate: their links do not authenticate (<see cref="ClientLinks"/>).
/// </summary>
public sealed class BenchRelayIdentity : IDisposable
{
    private readonly string _directory;

    public BenchRelayIdentity()
    {
        _directory = System.IO.Directory.CreateTempSubdirectory("torrelay-bench-keys-").FullName;
        Keys = new RelayKeyStore(_directory, TimeProvider.System, NullLogger.Instance);
        Keys.LoadOrCreate();
        Tls = new TlsLinkTransportFactory(new LinkCredentialsFactory(TimeProvider.System, SystemRandom.Instance).Create(Keys.Current));
    }

    public RelayKeyStore Keys { get; }
    public TlsLinkTransportFactory Tls { get; }
    public byte[] RsaFingerprint => Keys.Current.Identity.PublicKey.Fingerprint;
    public byte[] Ed25519Identity => Keys.Current.MasterIdentityKey.Bytes;

    /// <summary>A channel manager bound to 127.0.0.1 whose channels hand circuit cells to <paramref name="handler"/>.</summary>
    public ChannelManager NewManager(IChannelCellHandler handler) =>
        new(Tls, () => [IPAddress.Loopback], IPAddress.Loopback, TimeProvider.System, SystemRandom.Instance,
            NullLoggerFactory.Instance) { CellHandler = handler };

    public void Dispose()
    {
        Tls.Dispose();
        try { System.IO.Directory.Delete(_directory, recursive: true); }
        catch (IOException) { }
    }
}
