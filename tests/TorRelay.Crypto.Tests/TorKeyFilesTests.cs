using TorRelay.Crypto.KeyFiles;

namespace TorRelay.Crypto.Tests;

/// <summary>Against the keys directory C tor 0.4.9.11 wrote for a fresh relay (TestData/ctor_keys).</summary>
public class TorKeyFilesTests
{
    // From that DataDirectory's "fingerprint" and "fingerprint-ed25519" files.
    private const string RsaFingerprint = "363EC8ED891F0777C8C5527095177B47751E72B5";
    private const string Ed25519Identity = "ohz6ocLBk3iQAPjrnxHVGycCPfzi+nIJ0SFg333yxRI";

    private static byte[] Read(string name) => File.ReadAllBytes(Hex.TestData(Path.Combine("ctor_keys", name)));

    [Fact]
    public void Ed25519Files_DecodeAndReEncodeByteIdentically()
    {
        var secretFile = Read("ed25519_master_id_secret_key");
        Assert.True(TorKeyFiles.TryDecodeEd25519Secret(secretFile, TorKeyFiles.MasterIdTag, out var master, out var error), error);
        using (master)
        {
            Assert.Equal(Ed25519Identity, master!.PublicKey.ToBase64());
            Assert.Equal(secretFile, TorKeyFiles.EncodeEd25519Secret(master, TorKeyFiles.MasterIdTag));

            var publicFile = Read("ed25519_master_id_public_key");
            Assert.True(TorKeyFiles.TryDecodeEd25519Public(publicFile, TorKeyFiles.MasterIdTag, out var pub, out error), error);
            Assert.Equal(master.PublicKey, pub);
            Assert.Equal(publicFile, TorKeyFiles.EncodeEd25519Public(pub!, TorKeyFiles.MasterIdTag));
        }

        var signingFile = Read("ed25519_signing_secret_key");
        Assert.True(TorKeyFiles.TryDecodeEd25519Secret(signingFile, TorKeyFiles.SigningTag, out var signing, out error), error);
        signing!.Dispose();

        var certFile = Read("ed25519_signing_cert");
        Assert.True(TorKeyFiles.TryDecodeEd25519Cert(certFile, TorKeyFiles.SigningTag, out var certBody, out error), error);
        Assert.Equal(certFile, TorKeyFiles.EncodeEd25519Cert(certBody, TorKeyFiles.SigningTag));
    }

    [Fact]
    public void NtorKeyFile_DecodesAndReEncodesByteIdentically()
    {
        var file = Read("secret_onion_key_ntor");
        Assert.Equal("== c25519v1: onion ==", System.Text.Encoding.ASCII.GetString(file, 0, 21));
        Assert.True(TorKeyFiles.TryDecodeCurve25519(file, TorKeyFiles.NtorOnionTag, out var key, out var error), error);
        using (key)
            Assert.Equal(file, TorKeyFiles.EncodeCurve25519(key!, TorKeyFiles.NtorOnionTag));
    }

    [Fact]
    public void RsaPemFiles_ParseAndReEncodeByteIdentically()
    {
        // C tor writes the PEM with its terminating NUL.
        var idFile = Read("secret_id_key");
        Assert.Equal(0, idFile[^1]);
        Assert.True(TorKeyFiles.TryDecodeRsaPrivateKey(idFile, out var id, out var error), error);
        using (id)
        {
            Assert.Equal(RsaFingerprint, id!.PublicKey.FingerprintHex);
            Assert.Equal(idFile, TorKeyFiles.EncodeRsaPrivateKey(id));
            Assert.Equal(System.Text.Encoding.ASCII.GetString(idFile[..^1]), id.ToPem());
        }

        var onionFile = Read("secret_onion_key");
        Assert.True(TorKeyFiles.TryDecodeRsaPrivateKey(onionFile, out var onion, out error), error);
        using (onion)
            Assert.Equal(onionFile, TorKeyFiles.EncodeRsaPrivateKey(onion!));

        Assert.False(TorKeyFiles.TryDecodeRsaPrivateKey("junk"u8, out var junk, out error));
        Assert.Null(junk);
        Assert.NotNull(error);
    }

    [Fact]
    public void Decode_RejectsWrongTagOrType()
    {
        var secretFile = Read("ed25519_master_id_secret_key");
        Assert.False(TorKeyFiles.TryDecodeEd25519Secret(secretFile, TorKeyFiles.SigningTag, out _, out var error));
        Assert.Contains("tag", error);
        Assert.False(TorKeyFiles.TryDecodeEd25519Public(secretFile, TorKeyFiles.MasterIdTag, out _, out _));
        Assert.False(TorKeyFiles.TryDecodeCurve25519(secretFile, TorKeyFiles.NtorOnionTag, out _, out _));
    }

    [Fact]
    public void Decode_RejectsMismatchedNtorPublicKey()
    {
        var file = Read("secret_onion_key_ntor");
        file[^1] ^= 1;
        Assert.False(TorKeyFiles.TryDecodeCurve25519(file, TorKeyFiles.NtorOnionTag, out var key, out var error));
        Assert.Null(key);
        Assert.Contains("does not match", error);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(31)]
    [InlineData(95)]
    [InlineData(97)]
    public void Decode_RejectsWrongBodyLengths(int length)
    {
        var file = Read("ed25519_master_id_secret_key");
        var bytes = new byte[length];
        file.AsSpan(0, Math.Min(length, file.Length)).CopyTo(bytes);
        Assert.False(TorKeyFiles.TryDecodeEd25519Secret(bytes, TorKeyFiles.MasterIdTag, out _, out _));
    }

    [Theory]
    [InlineData("== ed25519v1-secret: type0 =")]      // missing closing " =="
    [InlineData("=! ed25519v1-secret: type0 ==")]     // bad opening
    [InlineData("== ed25519v1-secret:type0 ==")]      // no ": "
    [InlineData("== ed25519v1-secre: type0 ==")]      // other type
    public void TaggedFile_RejectsMalformedHeaders(string header)
    {
        var file = new byte[32 + 64];
        System.Text.Encoding.ASCII.GetBytes(header).CopyTo(file, 0);
        Assert.False(TaggedFile.TryDecode(file, TorKeyFiles.Ed25519SecretType, 64, out _, out _, out var error));
        Assert.NotNull(error);
    }

    [Fact]
    public void TaggedFile_RejectsJunkAfterHeaderNul()
    {
        var file = TaggedFile.Encode("c25519v1", "onion", new byte[64]);
        file[30] = (byte)'x';
        Assert.False(TaggedFile.TryDecode(file, "c25519v1", 64, out _, out _, out _));
    }

    [Fact]
    public void TaggedFile_EncodesHeaderAsCTor()
    {
        var file = TaggedFile.Encode("ed25519v1-cert", "type4", [1, 2, 3]);
        Assert.Equal(35, file.Length);
        Assert.Equal("== ed25519v1-cert: type4 ==", System.Text.Encoding.ASCII.GetString(file, 0, 27));
        Assert.All(file[27..32], b => Assert.Equal(0, b));
        Assert.True(TaggedFile.TryDecode(file, "ed25519v1-cert", 256, out var tag, out var body, out _));
        Assert.Equal("type4", tag);
        Assert.Equal(new byte[] { 1, 2, 3 }, body);
        Assert.Throws<ArgumentException>(() => TaggedFile.Encode("a-very-long-type-string", "and-a-long-tag", []));
    }
}
