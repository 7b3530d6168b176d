using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using TorRelay.Cells.Certs;
using TorRelay.Core.Channels;
using TorRelay.Core.Tls;
using TorRelay.Crypto;

namespace TorRelay.Core.Tests.Channels;

/// <summary>A relay identity made from scratch (RSA-1024, ed25519 master and signing keys) and its link credentials.</summary>
internal sealed class TestIdentity
{
    public RsaPrivateKey Rsa { get; } = RsaPrivateKey.Generate(1024);
    public Ed25519KeyPair Master { get; } = Ed25519KeyPair.Generate();
    public Ed25519KeyPair Signing { get; } = Ed25519KeyPair.Generate();

    public LinkCredentials Credentials(DateTimeOffset now, TimeSpan? signingLifetime = null)
    {
        var signingCert = Ed25519Cert.Create(CertType.Ed25519Signing, CertKeyType.Ed25519, Signing.PublicKey.Bytes,
            now + (signingLifetime ?? TimeSpan.FromDays(30)), Master, includeSignedWithKey: true);
        var cross = RsaEd25519CrossCert.Create(Master.PublicKey, now + TimeSpan.FromDays(180), Rsa);
        using var dotnetRsa = Rsa.ToDotNetRsa();
        var tls = TorTlsCertificates.Generate(dotnetRsa, TimeProvider.System);
        return LinkCredentials.Create(Rsa.PublicKey, Master.PublicKey, Signing, signingCert, cross,
            tls.LinkCertDer, tls.LinkKey, tls.IdentityCertDer, tls.AuthCertDer, now, SystemRandom.Instance);
    }

    public string Hex => Convert.ToHexString(Rsa.PublicKey.Fingerprint);

    /// <summary>A running ORPort on 127.0.0.1 with a channel manager behind it.</summary>
    public async Task<(OrPortListener Listener, ChannelManager Manager, Task Loop)> ListenAsync(CancellationToken ct,
        Microsoft.Extensions.Logging.ILoggerFactory? loggers = null, IChannelCellHandler? handler = null)
    {
        await Task.Yield();
        var factory = new TlsLinkTransportFactory(Credentials(DateTimeOffset.UtcNow));
        var manager = new ChannelManager(factory, () => [IPAddress.Loopback], null, TimeProvider.System, SystemRandom.Instance,
            loggers ?? NullLoggerFactory.Instance) { CellHandler = handler };
        var listener = new OrPortListener(new IPEndPoint(IPAddress.Loopback, 0), manager, NullLogger.Instance);
        listener.Start();
        return (listener, manager, listener.RunAsync(ct));
    }

    public ChannelManager Client(Microsoft.Extensions.Logging.ILoggerFactory? loggers = null, IChannelCellHandler? handler = null) =>
        new(new TlsLinkTransportFactory(Credentials(DateTimeOffset.UtcNow)), () => [IPAddress.Loopback], null,
            TimeProvider.System, SystemRandom.Instance, loggers ?? NullLoggerFactory.Instance) { CellHandler = handler };
}
