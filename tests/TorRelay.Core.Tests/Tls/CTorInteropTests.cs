using System.Buffers.Binary;
using System.Security.Cryptography;
using TorRelay.Core.Tls;

namespace TorRelay.Core.Tests.Tls;

/// <summary>Our TLS client against a real C tor 0.4.9 ORPort.</summary>
public sealed class CTorInteropTests(TorProcess tor) : IClassFixture<TorProcess>
{
    private const byte VersionsCommand = 7;
    private const byte CertsCommand = 129;

    [Fact]
    public async Task OurClient_ReadsVersionsThenCerts_WhoseLinkCertificateIsTheTlsCertificate()
    {
        var ct = TlsTestSupport.TimeoutToken();
        using var context = TlsContext.CreateClient();
        var socket = await TlsTestSupport.ConnectWithRetryAsync(tor.OrPort, ct);
        await using var tls = await TlsConnection.ConnectAsync(socket, context, ct);
        Assert.NotNull(tls.PeerCertificateDer);

        // VERSIONS, circuit id 0 (2 bytes), versions 3, 4, 5.
        await tls.Transport.Output.WriteAsync(new byte[] { 0, 0, 7, 0, 6, 0, 3, 0, 4, 0, 5 }, ct);

        byte[] header = await tls.Transport.Input.ReadExactlyAsync(5, ct);
        Assert.Equal(0, BinaryPrimitives.ReadUInt16BigEndian(header));
        Assert.Equal(VersionsCommand, header[2]);
        byte[] versions = await tls.Transport.Input.ReadExactlyAsync(BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(3)), ct);
        Assert.Contains((byte)5, versions); // link protocol 5 negotiated: 4-byte circuit ids from here on

        byte[] certsHeader = await tls.Transport.Input.ReadExactlyAsync(7, ct);
        Assert.Equal(0u, BinaryPrimitives.ReadUInt32BigEndian(certsHeader));
        Assert.Equal(CertsCommand, certsHeader[4]);
        byte[] body = await tls.Transport.Input.ReadExactlyAsync(BinaryPrimitives.ReadUInt16BigEndian(certsHeader.AsSpan(5)), ct);
        var certs = ParseCerts(body);

        Assert.Equal(tls.PeerCertificateDer, certs[1]);
        // The identity certificate (type 2) signs the link certificate, as our generator's do.
        using var identity = RSA.Create();
        identity.ImportSubjectPublicKeyInfo(new CertificateInspector(certs[2]).SubjectPublicKeyInfo, out _);
        Assert.True(new CertificateInspector(certs[1]).IsSignedBy(identity));
        Assert.True(new CertificateInspector(certs[2]).IsSignedBy(identity));
    }

    [Fact]
    public async Task OurGeneratedCertificates_HaveTheSameStructureAsCTors()
    {
        var ct = TlsTestSupport.TimeoutToken();
        using var context = TlsContext.CreateClient();
        var socket = await TlsTestSupport.ConnectWithRetryAsync(tor.OrPort, ct);
        await using var tls = await TlsConnection.ConnectAsync(socket, context, ct);
        await tls.Transport.Output.WriteAsync(new byte[] { 0, 0, 7, 0, 6, 0, 3, 0, 4, 0, 5 }, ct);
        byte[] header = await tls.Transport.Input.ReadExactlyAsync(5, ct);
        await tls.Transport.Input.ReadExactlyAsync(BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(3)), ct);
        byte[] certsHeader = await tls.Transport.Input.ReadExactlyAsync(7, ct);
        var torCerts = ParseCerts(await tls.Transport.Input.ReadExactlyAsync(
            BinaryPrimitives.ReadUInt16BigEndian(certsHeader.AsSpan(5)), ct));

        using var ours = TlsTestSupport.NewCertificates();
        Assert.Equal(CertificateInspector.Shape(torCerts[1]), CertificateInspector.Shape(ours.LinkCertDer));
        Assert.Equal(CertificateInspector.Shape(torCerts[2]), CertificateInspector.Shape(ours.IdentityCertDer));
        var torLink = new CertificateInspector(torCerts[1]);
        var ourLink = new CertificateInspector(ours.LinkCertDer);
        Assert.Equal(torLink.SignatureAlgorithm, ourLink.SignatureAlgorithm);
        Assert.Equal(torLink.SubjectTag, ourLink.SubjectTag);
        Assert.Equal(torLink.SubjectCommonName[^4..], ourLink.SubjectCommonName[^4..]);
        Assert.Equal(torLink.IssuerCommonName[^4..], ourLink.IssuerCommonName[^4..]);
    }

    /// <summary>CERTS cell body: N, then N × (type, length, DER).</summary>
    private static Dictionary<byte, byte[]> ParseCerts(byte[] body)
    {
        var certs = new Dictionary<byte, byte[]>();
        int count = body[0], offset = 1;
        for (int i = 0; i < count; i++)
        {
            byte type = body[offset];
            int length = BinaryPrimitives.ReadUInt16BigEndian(body.AsSpan(offset + 1));
            certs[type] = body.AsSpan(offset + 3, length).ToArray();
            offset += 3 + length;
        }
        return certs;
    }
}
