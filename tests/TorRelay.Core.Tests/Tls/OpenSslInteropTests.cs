using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using TorRelay.Core.Tls;
using Xunit.Abstractions;

namespace TorRelay.Core.Tests.Tls;

/// <summary>Interop with OpenSSL's own command-line client and server on 127.0.0.1.</summary>
public sealed partial class OpenSslInteropTests(ITestOutputHelper log) : IDisposable
{
    private const string Label = "EXPORTER FOR TOR TLS CLIENT BINDING AUTH0003";
    private readonly TorTlsCertificates _certs = TlsTestSupport.NewCertificates();
    private readonly string _directory = Directory.CreateTempSubdirectory("tls-openssl-").FullName;

    public void Dispose()
    {
        _certs.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [GeneratedRegex("Keying material: ([0-9A-Fa-f]+)")]
    private static partial Regex KeyingMaterial();

    [Theory]
    [InlineData("-tls1_3")]
    [InlineData("-tls1_2")]
    public async Task OpenSslClient_SeesOurTorCertificate_MatchesOurExporter_AndExchangesData(string protocol)
    {
        var ct = TlsTestSupport.TimeoutToken();
        using var context = _certs.CreateServerContext();
        using var listener = TlsTestSupport.NewSocket();
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        int port = ((IPEndPoint)listener.LocalEndPoint!).Port;

        var openssl = TlsTestSupport.Start("openssl",
            $"s_client -connect 127.0.0.1:{port} {protocol} -showcerts -keymatexport \"{Label}\" -keymatexportlen 32",
            _directory);
        try
        {
            var output = new TlsTestSupport.OutputCollector(openssl);
            await using var server = await TlsConnection.AcceptAsync(await listener.AcceptAsync(ct), context, ct);
            Assert.Equal(protocol == "-tls1_2" ? "TLSv1.2" : "TLSv1.3", server.Protocol);
            await server.Transport.Output.WriteAsync("hello from our server\n"u8.ToArray(), ct);

            string text = await output.WaitForAsync(
                t => KeyingMaterial().IsMatch(t) && t.Contains("hello from our server"), ct);
            log.WriteLine(text);
            Assert.Equal(_certs.LinkCertDer, TlsTestSupport.FirstPemCertificate(text));
            var ours = new byte[32];
            server.ExportKeyingMaterial(Label, ours);
            Assert.Equal(Convert.ToHexString(ours), KeyingMaterial().Match(text).Groups[1].Value.ToUpperInvariant());

            await openssl.StandardInput.WriteAsync("ping from openssl\n");
            await openssl.StandardInput.FlushAsync(ct);
            byte[] received = await server.Transport.Input.ReadExactlyAsync(18, ct);
            Assert.Equal("ping from openssl\n", Encoding.ASCII.GetString(received));
        }
        finally
        {
            TlsTestSupport.Kill(openssl);
        }
    }

    [Fact]
    public async Task OpenSslClient_SeesOnlyTheLinkCertificate_AndNoCertificateRequest()
    {
        var ct = TlsTestSupport.TimeoutToken();
        using var context = _certs.CreateServerContext();
        using var listener = TlsTestSupport.NewSocket();
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        int port = ((IPEndPoint)listener.LocalEndPoint!).Port;

        var openssl = TlsTestSupport.Start("openssl", $"s_client -connect 127.0.0.1:{port} -showcerts -msg", _directory);
        try
        {
            var output = new TlsTestSupport.OutputCollector(openssl);
            await using var server = await TlsConnection.AcceptAsync(await listener.AcceptAsync(ct), context, ct);
            string text = await output.WaitForAsync(t => t.Contains("Verify return code"), ct);
            Assert.Single(Regex.Matches(text, "BEGIN CERTIFICATE"));
            Assert.DoesNotContain("CertificateRequest", text);
        }
        finally
        {
            TlsTestSupport.Kill(openssl);
        }
    }

    [Fact]
    public async Task RelayInitiator_PresentsItsLinkCertificate_WhenAServerAsks()
    {
        var ct = TlsTestSupport.TimeoutToken();
        File.WriteAllText(Path.Combine(_directory, "cert.pem"), TlsTestSupport.ToPem(_certs.LinkCertDer));
        File.WriteAllText(Path.Combine(_directory, "key.pem"), TlsTestSupport.ToPem(_certs.LinkKey));
        int port = TlsTestSupport.FreePort();
        using var initiatorCerts = TlsTestSupport.NewCertificates();
        using var context = initiatorCerts.CreateClientContext();

        var openssl = TlsTestSupport.Start("openssl",
            $"s_server -accept 127.0.0.1:{port} -cert cert.pem -key key.pem -verify 1", _directory);
        try
        {
            var output = new TlsTestSupport.OutputCollector(openssl);
            await output.WaitForAsync(t => t.Contains("ACCEPT"), ct);
            var socket = await TlsTestSupport.ConnectWithRetryAsync(port, ct);
            await using var client = await TlsConnection.ConnectAsync(socket, context, ct);
            await client.Transport.Output.WriteAsync("hello\n"u8.ToArray(), ct);
            string text = await output.WaitForAsync(t => t.Contains("Client certificate") && t.Contains("hello"), ct);
            Assert.Equal(initiatorCerts.LinkCertDer,
                TlsTestSupport.FirstPemCertificate(text[text.IndexOf("Client certificate", StringComparison.Ordinal)..]));
        }
        finally
        {
            TlsTestSupport.Kill(openssl);
        }
    }

    [Fact]
    public async Task OpenSslClient_KeyUpdateRequest_IsAnsweredAndDataKeepsFlowingBothWays()
    {
        var ct = TlsTestSupport.TimeoutToken();
        using var context = _certs.CreateServerContext();
        using var listener = TlsTestSupport.NewSocket();
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        int port = ((IPEndPoint)listener.LocalEndPoint!).Port;

        var openssl = TlsTestSupport.Start("openssl", $"s_client -connect 127.0.0.1:{port} -msg", _directory);
        try
        {
            var output = new TlsTestSupport.OutputCollector(openssl);
            await using var server = await TlsConnection.AcceptAsync(await listener.AcceptAsync(ct), context, ct);
            await output.WaitForAsync(t => t.Contains("Verify return code"), ct);

            // "K" makes s_client send KeyUpdate(update_requested); our SSL_read must answer with our own KeyUpdate.
            await openssl.StandardInput.WriteAsync("K\n");
            await openssl.StandardInput.FlushAsync(ct);
            // Our answer goes out from the receive loop, before we write anything (s_client logs it with -msg).
            await output.WaitForAsync(t => Regex.IsMatch(t, "<<< TLS 1.3, Handshake \\[length [0-9a-f]+\\], KeyUpdate"), ct);
            for (int round = 0; round < 3; round++)
            {
                await openssl.StandardInput.WriteAsync($"after key update {round}\n");
                await openssl.StandardInput.FlushAsync(ct);
                byte[] received = await server.Transport.Input.ReadExactlyAsync(19, ct);
                Assert.Equal($"after key update {round}\n", Encoding.ASCII.GetString(received));
                await server.Transport.Output.WriteAsync(Encoding.ASCII.GetBytes($"reply {round}\n"), ct);
                await output.WaitForAsync(t => t.Contains($"reply {round}"), ct);
            }
        }
        finally
        {
            TlsTestSupport.Kill(openssl);
        }
    }

    [Theory]
    [InlineData("-tls1_3")]
    [InlineData("-tls1_2")]
    public async Task OurClient_TalksToOpenSslServer_SeesItsCertificate_AndMatchesItsExporter(string protocol)
    {
        var ct = TlsTestSupport.TimeoutToken();
        File.WriteAllText(Path.Combine(_directory, "cert.pem"), TlsTestSupport.ToPem(_certs.LinkCertDer));
        File.WriteAllText(Path.Combine(_directory, "key.pem"), TlsTestSupport.ToPem(_certs.LinkKey));
        int port = TlsTestSupport.FreePort();
        using var context = TlsContext.CreateClient();

        var openssl = TlsTestSupport.Start("openssl",
            $"s_server -accept 127.0.0.1:{port} -cert cert.pem -key key.pem {protocol} " +
            $"-keymatexport \"{Label}\" -keymatexportlen 32", _directory);
        try
        {
            var output = new TlsTestSupport.OutputCollector(openssl);
            await output.WaitForAsync(t => t.Contains("ACCEPT"), ct);
            var socket = await TlsTestSupport.ConnectWithRetryAsync(port, ct);
            await using var client = await TlsConnection.ConnectAsync(socket, context, ct);
            Assert.Equal(protocol == "-tls1_2" ? "TLSv1.2" : "TLSv1.3", client.Protocol);
            Assert.Equal(_certs.LinkCertDer, client.PeerCertificateDer);

            await client.Transport.Output.WriteAsync("ping from our client\n"u8.ToArray(), ct);
            string text = await output.WaitForAsync(
                t => KeyingMaterial().IsMatch(t) && t.Contains("ping from our client"), ct);
            var ours = new byte[32];
            client.ExportKeyingMaterial(Label, ours);
            Assert.Equal(Convert.ToHexString(ours), KeyingMaterial().Match(text).Groups[1].Value.ToUpperInvariant());

            await openssl.StandardInput.WriteAsync("pong from openssl\n");
            await openssl.StandardInput.FlushAsync(ct);
            byte[] received = await client.Transport.Input.ReadExactlyAsync(18, ct);
            Assert.Equal("pong from openssl\n", Encoding.ASCII.GetString(received));
        }
        finally
        {
            TlsTestSupport.Kill(openssl);
        }
    }
}
