using TorRelay.Crypto;
using TorRelay.Directory.Consensus;
using TorRelay.Directory.Netdoc;
using TorRelay.Directory.Tests.CTor;

namespace TorRelay.Directory.Tests.Consensus;

/// <summary>Three authorities' keys made by tor-gencert, shared by the tests of one class.</summary>
public sealed class GencertFixture : IAsyncLifetime
{
    internal List<AuthorityKeys> Keys { get; } = [];
    public List<AuthorityCertificate> Certificates { get; } = [];
    public List<RsaPrivateKey> SigningKeys { get; } = [];
    public List<DirectoryAuthority> Authorities { get; } = [];

    public async Task InitializeAsync()
    {
        var created = await Task.WhenAll(Enumerable.Range(0, 3).Select(i => AuthorityKeys.CreateAsync(7000 + i)));
        for (int i = 0; i < created.Length; i++)
        {
            AuthorityKeys k = created[i];
            Keys.Add(k);
            string text = File.ReadAllText(k.CertificatePath, NetdocFormat.Wire);
            if (!AuthorityCertificate.TryParse(text, out var cert, out string? error))
                throw new InvalidOperationException(error);
            Certificates.Add(cert!);
            SigningKeys.Add(RsaPrivateKey.FromPem(File.ReadAllText(k.SigningKeyPath)));
            Authorities.Add(new DirectoryAuthority($"auth{i}", new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 7000 + i),
                5000 + i, cert!.IdentityFingerprint, new byte[20], []));
        }
    }

    public Task DisposeAsync()
    {
        foreach (var k in Keys) k.Dispose();
        foreach (var k in SigningKeys) k.Dispose();
        return Task.CompletedTask;
    }
}
