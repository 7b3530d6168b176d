using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using TorRelay.Core.Tls;

namespace TorRelay.Core.Tests.Tls;

/// <summary>Loopback sockets, certificates and external processes for the TLS tests.</summary>
internal static class TlsTestSupport
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public static CancellationToken TimeoutToken() => new CancellationTokenSource(Timeout).Token;

    public static TorTlsCertificates NewCertificates()
    {
        using var identity = RSA.Create(1024);
        return TorTlsCertificates.Generate(identity, TimeProvider.System);
    }

    public static int FreePort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    public static Socket NewSocket() => new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

    public static async Task<(TlsConnection Client, TlsConnection Server)> ConnectPairAsync(
        TlsContext serverContext, TlsContext clientContext, CancellationToken cancellationToken)
    {
        using var listener = NewSocket();
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        var client = NewSocket();
        Task connect = client.ConnectAsync(listener.LocalEndPoint!, cancellationToken).AsTask();
        Socket accepted = await listener.AcceptAsync(cancellationToken);
        await connect;
        Task<TlsConnection> server = TlsConnection.AcceptAsync(accepted, serverContext, cancellationToken);
        Task<TlsConnection> clientTls = TlsConnection.ConnectAsync(client, clientContext, cancellationToken);
        return (await clientTls, await server);
    }

    public static async Task<Socket> ConnectWithRetryAsync(int port, CancellationToken cancellationToken)
    {
        while (true)
        {
            var socket = NewSocket();
            try
            {
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellationToken);
                return socket;
            }
            catch (SocketException)
            {
                socket.Dispose();
                await Task.Delay(100, cancellationToken);
            }
        }
    }

    public static string ToPem(byte[] der) => new string(PemEncoding.Write("CERTIFICATE", der)) + "\n";

    public static string ToPem(RSA key) => new string(PemEncoding.Write("PRIVATE KEY", key.ExportPkcs8PrivateKey())) + "\n";

    /// <summary>
    /// The first certificate in PEM text (as printed by <c>openssl s_client -showcerts</c>). The collector merges
    /// s_client's stdout and stderr, so its "verify return:1" lines can land inside the PEM block: only base64 lines
    /// between the markers are kept.
    /// </summary>
    public static byte[] FirstPemCertificate(string text)
    {
        const string begin = "-----BEGIN CERTIFICATE-----", end = "-----END CERTIFICATE-----";
        int start = text.IndexOf(begin, StringComparison.Ordinal) + begin.Length;
        string block = text[start..text.IndexOf(end, start, StringComparison.Ordinal)];
        string base64 = string.Concat(block.Split('\n').Select(l => l.Trim())
            .Where(l => l.Length > 0 && l.All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '/' or '=')));
        using var cert = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(base64));
        return cert.RawData;
    }

    public static Process Start(string file, string arguments, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(file, arguments)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Path.GetTempPath(),
        };
        return Process.Start(info) ?? throw new InvalidOperationException($"Could not start {file}");
    }

    /// <summary>Kills a process we started, by its own handle (never by name).</summary>
    public static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
        }
        process.Dispose();
    }

    /// <summary>Collects a process's stdout and stderr as they arrive, and waits for a pattern.</summary>
    public sealed class OutputCollector
    {
        private readonly StringBuilder _text = new();
        private readonly Lock _lock = new();

        public OutputCollector(Process process)
        {
            process.OutputDataReceived += (_, e) => Append(e.Data);
            process.ErrorDataReceived += (_, e) => Append(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public string Text
        {
            get { lock (_lock) return _text.ToString(); }
        }

        private void Append(string? line)
        {
            if (line is null)
                return;
            lock (_lock)
                _text.AppendLine(line);
        }

        public async Task<string> WaitForAsync(Func<string, bool> condition, CancellationToken cancellationToken)
        {
            while (true)
            {
                string text = Text;
                if (condition(text))
                    return text;
                await Task.Delay(50, cancellationToken);
            }
        }
    }
}
