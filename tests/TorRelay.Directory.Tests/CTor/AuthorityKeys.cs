using System.Net;
using System.Net.Sockets;

namespace TorRelay.Directory.Tests.CTor;

/// <summary>tor-gencert output in a fresh temporary directory.</summary>
internal sealed class AuthorityKeys : IDisposable
{
    private AuthorityKeys(string directory) => Directory = directory;

    public string Directory { get; }
    public string CertificatePath => Path.Combine(Directory, "authority_certificate");
    public string SigningKeyPath => Path.Combine(Directory, "authority_signing_key");
    public string IdentityKeyPath => Path.Combine(Directory, "authority_identity_key");

    /// <summary>echo pw | tor-gencert --create-identity-key --passphrase-fd 0 -m 12 -a 127.0.0.1:dirPort</summary>
    public static async Task<AuthorityKeys> CreateAsync(int dirPort)
    {
        string dir = System.IO.Directory.CreateTempSubdirectory("dirtest-gencert-").FullName;
        await ProcessRunner.RunAsync("tor-gencert",
            ["--create-identity-key", "--passphrase-fd", "0", "-m", "12", "-a", $"127.0.0.1:{dirPort}"], dir, "pw\n");
        return new AuthorityKeys(dir);
    }

    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
