using System.Net;
using TorRelay.Directory.Descriptors;
using TorRelay.Directory.Netdoc;

namespace TorRelay.Directory.Tests.Descriptors;

public sealed class ServerDescriptorRoundTripTests : IDisposable
{
    private readonly TestRelayKeys _keys = new();

    public void Dispose() => _keys.Dispose();

    private static ServerDescriptor ParseAndVerify(string text)
    {
        Assert.True(UnverifiedServerDescriptor.TryParse(text, out var unverified, out string? error), error);
        Assert.True(unverified!.TryVerify(DateTimeOffset.UtcNow, out var descriptor, out error), error);
        return descriptor!;
    }

    [Fact]
    public void BuiltDescriptorParsesAndVerifies()
    {
        DescriptorInput input = _keys.Input() with
        {
            OrAddresses = [IPEndPoint.Parse("[::1]:9002")],
            Contact = "admin@example.org",
            HiddenServiceDir = true,
        };
        BuiltDescriptor built = ServerDescriptorBuilder.Build(input);
        ServerDescriptor d = ParseAndVerify(built.Descriptor);

        Assert.Equal("TorRelayTest", d.Nickname);
        Assert.Equal(IPAddress.Loopback, d.Address);
        Assert.Equal(9001, d.OrPort);
        Assert.Equal(0, d.DirPort);
        Assert.Equal(IPEndPoint.Parse("[::1]:9002"), Assert.Single(d.OrAddresses));
        Assert.Equal(input.Platform, d.Platform);
        Assert.Equal(input.Protocols, d.Protocols);
        Assert.Equal(NetdocFormat.TruncateToSeconds(input.Published), d.Published);
        Assert.Equal(_keys.Identity.PublicKey.Fingerprint, d.Fingerprint);
        Assert.Equal(built.Fingerprint, d.Fingerprint);
        Assert.Equal(_keys.Master.PublicKey, d.MasterKey);
        Assert.Equal(_keys.Ntor.PublicKey.ToArray(), d.NtorOnionKey);
        Assert.Equal(["reject *:*"], d.ExitPolicy);
        Assert.Equal("admin@example.org", d.Contact);
        Assert.True(d.HiddenServiceDir);
        Assert.True(d.TunnelledDirServer);
        Assert.Equal(built.DescriptorDigest, d.Digest);
        Assert.Equal(built.ExtraInfoDigest, d.ExtraInfoDigest);
        Assert.Equal(built.ExtraInfoDigest256, d.ExtraInfoDigest256);
    }

    [Fact]
    public void LinesComeInCTorOrder()
    {
        BuiltDescriptor built = ServerDescriptorBuilder.Build(_keys.Input() with
        {
            OrAddresses = [IPEndPoint.Parse("[::1]:9002")],
            Family = ["$" + new string('A', 40)],
            Contact = "x",
            Ipv6PolicySummary = "accept 80,443",
            HiddenServiceDir = true,
            BridgeDistribution = "Any",
        });
        Assert.True(NetdocTokenizer.TryTokenize(built.Descriptor, out var items, out _));
        string[] expected =
        [
            "router", "identity-ed25519", "master-key-ed25519", "or-address", "platform", "proto", "published",
            "fingerprint", "uptime", "bandwidth", "extra-info-digest", "onion-key", "signing-key",
            "onion-key-crosscert", "ntor-onion-key-crosscert", "family", "hidden-service-dir", "contact",
            "bridge-distribution-request", "ntor-onion-key", "reject", "ipv6-policy", "tunnelled-dir-server", "router-sig-ed25519", "router-signature",
        ];
        Assert.Equal(expected, items.Select(i => i.Keyword));
        Assert.StartsWith("router TorRelayTest 127.0.0.1 9001 0 0\nidentity-ed25519\n-----BEGIN ED25519 CERT-----\n",
            built.Descriptor);
        Assert.EndsWith("-----END SIGNATURE-----\n\n", built.Descriptor);
    }

    [Fact]
    public void FieldsAreFormattedAsCTorWritesThem()
    {
        BuiltDescriptor built = ServerDescriptorBuilder.Build(_keys.Input(DateTimeOffset.Parse("2030-01-02T03:04:05.678Z")));
        string[] lines = built.Descriptor.Split('\n');
        string fp = NetdocFormat.Hex(_keys.Identity.PublicKey.Fingerprint);
        string spaced = string.Join(' ', Enumerable.Range(0, 10).Select(i => fp.Substring(i * 4, 4)));
        Assert.Contains("fingerprint " + spaced, lines);
        Assert.Contains("published 2030-01-02 03:04:05", lines);
        Assert.Contains("bandwidth 1073741824 1073741824 0", lines);
        Assert.Contains("master-key-ed25519 " + _keys.Master.PublicKey.ToBase64(), lines);
        string ntor = lines.Single(l => l.StartsWith("ntor-onion-key ", StringComparison.Ordinal));
        Assert.Equal(15 + 43, ntor.Length); // unpadded base64 of 32 bytes
        Assert.Matches("^ntor-onion-key-crosscert [01]$", lines.Single(l => l.StartsWith("ntor-onion-key-crosscert")));
        string edSig = lines.Single(l => l.StartsWith("router-sig-ed25519 ", StringComparison.Ordinal));
        Assert.Equal(19 + 86, edSig.Length); // unpadded base64 of 64 bytes
        Assert.Matches("^extra-info-digest [0-9A-F]{40} [A-Za-z0-9+/]{43}$",
            lines.Single(l => l.StartsWith("extra-info-digest")));
        // Object bodies are wrapped at 64 columns.
        Assert.All(lines.Where(l => !l.Contains(' ') && !l.StartsWith("-----")), l => Assert.True(l.Length <= 64, l));
    }

    [Fact]
    public void ExtraInfoVerifiesAgainstItsDescriptor()
    {
        BuiltDescriptor built = ServerDescriptorBuilder.Build(_keys.Input() with
        {
            ExtraInfoLines = ["write-history 2030-01-01 00:00:00 (86400 s) 0", "read-history 2030-01-01 00:00:00 (86400 s) 0"],
        });
        ServerDescriptor d = ParseAndVerify(built.Descriptor);
        Assert.StartsWith($"extra-info TorRelayTest {built.FingerprintHex}\nidentity-ed25519\n", built.ExtraInfo);
        Assert.True(UnverifiedExtraInfo.TryParse(built.ExtraInfo, out var ei, out string? error), error);
        Assert.True(ei!.TryVerify(d, out var doc, out error), error);
        Assert.Equal(built.ExtraInfoDigest, doc!.Digest);
        Assert.Equal(2, doc.Lines.Count);
        Assert.Equal(built.Descriptor + built.ExtraInfo, built.UploadBody);
    }

    [Fact]
    public void ExtraInfoOfAnotherRelayIsRejected()
    {
        using var other = new TestRelayKeys();
        BuiltDescriptor mine = ServerDescriptorBuilder.Build(_keys.Input());
        BuiltDescriptor theirs = ServerDescriptorBuilder.Build(other.Input());
        ServerDescriptor d = ParseAndVerify(mine.Descriptor);
        Assert.True(UnverifiedExtraInfo.TryParse(theirs.ExtraInfo, out var ei, out _));
        Assert.False(ei!.TryVerify(d, out _, out _));
    }

    [Fact]
    public void DescriptorClaimsNoOnionServiceDirectoryUnlessAsked()
    {
        BuiltDescriptor built = ServerDescriptorBuilder.Build(_keys.Input());
        Assert.DoesNotContain("hidden-service-dir", built.Descriptor);
        Assert.DoesNotContain("bridge-distribution-request", built.Descriptor);
        Assert.False(ParseAndVerify(built.Descriptor).HiddenServiceDir);
    }

    [Theory]
    [InlineData("uptime 0", "uptime 1")]
    [InlineData("bandwidth 1073741824 1073741824 0", "bandwidth 1073741824 1073741824 1")]
    [InlineData("tunnelled-dir-server\n", "tunnelled-dir-server\nhibernating 1\n")]
    [InlineData("reject *:*", "accept *:*")]
    public void TamperingWithSignedTextFailsVerification(string from, string to)
    {
        BuiltDescriptor built = ServerDescriptorBuilder.Build(_keys.Input());
        string tampered = built.Descriptor.Replace(from, to, StringComparison.Ordinal);
        Assert.NotEqual(built.Descriptor, tampered);
        Assert.True(UnverifiedServerDescriptor.TryParse(tampered, out var u, out string? error), error);
        Assert.False(u!.TryVerify(DateTimeOffset.UtcNow, out _, out error));
        Assert.Equal("incorrect ed25519 signature", error);
    }

    [Fact]
    public void WrongSignBitFailsTheNtorCrossCert()
    {
        BuiltDescriptor built = ServerDescriptorBuilder.Build(_keys.Input());
        string line = built.Descriptor.Split('\n').Single(l => l.StartsWith("ntor-onion-key-crosscert "));
        string flipped = line[..^1] + (line[^1] == '0' ? "1" : "0");
        Assert.True(UnverifiedServerDescriptor.TryParse(built.Descriptor.Replace(line, flipped), out var u, out _));
        Assert.False(u!.TryVerify(DateTimeOffset.UtcNow, out _, out string? error));
        Assert.Equal("bad ntor-onion-key-crosscert", error);
    }

    [Fact]
    public void ExpiredSigningCertificateFailsVerification()
    {
        BuiltDescriptor built = ServerDescriptorBuilder.Build(_keys.Input());
        Assert.True(UnverifiedServerDescriptor.TryParse(built.Descriptor, out var u, out _));
        Assert.False(u!.TryVerify(DateTimeOffset.UtcNow.AddDays(40), out _, out string? error));
        Assert.Contains("expired", error);
    }

    [Fact]
    public void DescriptorSignedByAnotherIdentityFails()
    {
        using var other = new TestRelayKeys();
        BuiltDescriptor mine = ServerDescriptorBuilder.Build(_keys.Input());
        BuiltDescriptor theirs = ServerDescriptorBuilder.Build(other.Input());
        // Swap in the other relay's RSA signature block.
        string Sig(string d) => d[d.IndexOf("router-signature\n", StringComparison.Ordinal)..];
        string forged = mine.Descriptor.Replace(Sig(mine.Descriptor), Sig(theirs.Descriptor));
        Assert.True(UnverifiedServerDescriptor.TryParse(forged, out var u, out _));
        Assert.False(u!.TryVerify(DateTimeOffset.UtcNow, out _, out string? error));
        Assert.Equal("bad router-signature", error);
    }

    [Fact]
    public void AllRejectPolicyIsWrittenAsRejectStar()
    {
        BuiltDescriptor built = ServerDescriptorBuilder.Build(_keys.Input() with
        {
            ExitPolicy = ["reject 10.0.0.0/8:*", "reject *:*"],
        });
        Assert.Contains("\nntor-onion-key ", built.Descriptor);
        Assert.Contains("\nreject *:*\n", built.Descriptor);
        Assert.DoesNotContain("10.0.0.0", built.Descriptor);
    }

    [Fact]
    public void ExitPolicyWithAcceptsIsWrittenLineByLine()
    {
        BuiltDescriptor built = ServerDescriptorBuilder.Build(_keys.Input() with
        {
            ExitPolicy = ["accept 127.0.0.1:*", "accept6 [::1]:*", "reject *:*"],
        });
        Assert.Contains("\naccept 127.0.0.1:*\nreject *:*\nrouter-sig-ed25519 ", built.Descriptor.Replace("tunnelled-dir-server\n", ""));
        Assert.Equal(["accept 127.0.0.1:*", "reject *:*"], ParseAndVerify(built.Descriptor).ExitPolicy);
    }

    [Fact]
    public void FamilyIsCanonicalizedWithOurselvesIncluded()
    {
        string a = new('a', 40), b = "0123456789ABCDEF0123456789ABCDEF01234567";
        BuiltDescriptor built = ServerDescriptorBuilder.Build(_keys.Input() with
        {
            Family = ["$" + a + "=Foo", "Zebra", b, "bogus!"],
        });
        string self = "$" + built.FingerprintHex;
        var expected = new[] { "$" + a.ToUpperInvariant(), "$" + b, self }.OrderBy(x => x, StringComparer.Ordinal)
            .Append("zebra");
        Assert.Contains("\nfamily " + string.Join(' ', expected) + "\n", built.Descriptor);
    }

    [Fact]
    public void FamilyOfOnlyOurselvesIsOmitted()
    {
        BuiltDescriptor plain = ServerDescriptorBuilder.Build(_keys.Input());
        BuiltDescriptor self = ServerDescriptorBuilder.Build(_keys.Input() with { Family = ["$" + plain.FingerprintHex] });
        Assert.DoesNotContain("\nfamily ", self.Descriptor);
    }

    [Fact]
    public void MismatchedSigningCertificateIsRefused()
    {
        using var other = new TestRelayKeys();
        Assert.Throws<ArgumentException>(() => ServerDescriptorBuilder.Build(_keys.Input() with
        {
            SigningKeyCert = other.SigningCert,
        }));
    }

    [Fact]
    public void DescriptorWithoutProtoIsRejected()
    {
        BuiltDescriptor built = ServerDescriptorBuilder.Build(_keys.Input());
        string noProto = string.Join('\n', built.Descriptor.Split('\n').Where(l => !l.StartsWith("proto ")));
        Assert.False(UnverifiedServerDescriptor.TryParse(noProto, out _, out string? error));
        Assert.Equal("no proto line", error);
    }

    [Fact]
    public void UnicodeContactIsSignedAsUtf8()
    {
        BuiltDescriptor built = ServerDescriptorBuilder.Build(_keys.Input() with { Contact = "Jürgen <j@example.org>" });
        ServerDescriptor d = ParseAndVerify(built.Descriptor);
        byte[] wire = NetdocFormat.WireBytes(d.Contact!);
        Assert.Equal("Jürgen <j@example.org>", System.Text.Encoding.UTF8.GetString(wire));
    }
}
