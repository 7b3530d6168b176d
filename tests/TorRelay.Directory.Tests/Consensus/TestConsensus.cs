using System.Security.Cryptography;
using System.Text;
using TorRelay.Crypto;
using TorRelay.Directory.Consensus;
using TorRelay.Directory.Netdoc;

namespace TorRelay.Directory.Tests.Consensus;

/// <summary>Writes a microdesc consensus in C tor's layout and signs it with given authority signing keys.</summary>
internal static class TestConsensus
{
    public static readonly byte[] RelayId = Enumerable.Range(1, 20).Select(i => (byte)i).ToArray();
    public static readonly byte[] MicrodescDigest = Enumerable.Range(100, 32).Select(i => (byte)i).ToArray();

    public static string Body(DateTimeOffset validAfter, IReadOnlyList<AuthorityCertificate> sources)
    {
        var sb = new StringBuilder();
        sb.Append("network-status-version 3 microdesc\nvote-status consensus\nconsensus-method 34\n");
        sb.Append($"valid-after {NetdocFormat.FormatTime(validAfter)}\n");
        sb.Append($"fresh-until {NetdocFormat.FormatTime(validAfter.AddMinutes(1))}\n");
        sb.Append($"valid-until {NetdocFormat.FormatTime(validAfter.AddMinutes(3))}\n");
        sb.Append("voting-delay 4 4\nclient-versions \nserver-versions \n");
        sb.Append("known-flags Authority Exit Fast Guard HSDir Running Stable V2Dir Valid\n");
        sb.Append("recommended-client-protocols Cons=2 Desc=2 Link=4 Microdesc=2 Relay=2\n");
        sb.Append("recommended-relay-protocols Cons=2 Desc=2 Link=4 Microdesc=2 Relay=2\n");
        sb.Append("required-client-protocols Cons=2 Desc=2 Link=4 Microdesc=2 Relay=2\n");
        sb.Append("required-relay-protocols Cons=2 Desc=2 Link=4-5 Microdesc=2 Relay=2-4\n");
        sb.Append("params CircuitPriorityHalflifeMsec=30000 NumDirectoryGuards=-1 bwweightscale=1\n");
        sb.Append("shared-rand-current-value 0 AAAA\n");
        for (int i = 0; i < sources.Count; i++)
        {
            sb.Append($"dir-source auth{i} {NetdocFormat.Hex(sources[i].IdentityFingerprint)} 127.0.0.1 127.0.0.1 {7000 + i} {5000 + i}\n");
            sb.Append($"contact auth{i}@test.invalid\nvote-digest {new string('A', 40)}\n");
        }

        sb.Append($"r test001r {NetdocFormat.Base64NoPad(RelayId)} 2038-01-01 00:00:00 127.0.0.1 5001 0\n");
        sb.Append("a [::1]:5001\n");
        sb.Append("s Exit Fast Guard HSDir Running Stable V2Dir Valid\n");
        sb.Append("v Tor 0.4.9.11\n");
        sb.Append("pr Conflux=1 Cons=1-2 Desc=1-3 Link=1-5 Microdesc=1-3 Relay=1-4\n");
        sb.Append("w Bandwidth=20 Unmeasured=1\n");
        sb.Append($"m {NetdocFormat.Base64NoPad(MicrodescDigest)}\n");
        sb.Append($"r test002a {NetdocFormat.Base64NoPad(new byte[20])} 2038-01-01 00:00:00 127.0.0.2 5002 7002\n");
        sb.Append("s Authority Fast Running V2Dir Valid\n");
        sb.Append("w Bandwidth=10 Measured=12\n");
        sb.Append($"m {NetdocFormat.Base64NoPad(new byte[32])}\n");
        sb.Append("directory-footer\nbandwidth-weights Wbd=3333 Wbe=0 Wbg=0 Wbm=10000 Wdb=10000\n");
        return sb.ToString();
    }

    /// <summary>Appends one directory-signature per signer (sha256 unless <paramref name="algorithm"/> says sha1).</summary>
    public static string Sign(string body, IEnumerable<(AuthorityCertificate Cert, RsaPrivateKey Key)> signers,
        string algorithm = "sha256")
    {
        var sb = new StringBuilder(body);
        foreach (var (cert, key) in signers)
        {
            string line = algorithm == "sha1" ? "directory-signature " : $"directory-signature {algorithm} ";
            byte[] signed = NetdocFormat.WireBytes(body + "directory-signature ");
            byte[] digest = algorithm == "sha1" ? SHA1.HashData(signed) : SHA256.HashData(signed);
            sb.Append(line).Append(NetdocFormat.Hex(cert.IdentityFingerprint)).Append(' ')
                .Append(NetdocFormat.Hex(cert.SigningKeyDigest)).Append('\n')
                .Append(NetdocFormat.Object("SIGNATURE", key.SignRaw(digest)));
        }

        return sb.ToString();
    }
}
