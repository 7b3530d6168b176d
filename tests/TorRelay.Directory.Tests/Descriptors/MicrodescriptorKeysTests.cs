using TorRelay.Directory.Descriptors;

namespace TorRelay.Directory.Tests.Descriptors;

public class MicrodescriptorKeysTests
{
    [Fact]
    public void NtorAndEd25519KeysAreReadAndOtherLinesIgnored()
    {
        var ntor = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
        var ed = Enumerable.Range(100, 32).Select(i => (byte)i).ToArray();
        string body = "onion-key\nntor-onion-key " + Convert.ToBase64String(ntor) + "\nfamily $AA\nid ed25519 " +
                      Convert.ToBase64String(ed).TrimEnd('=') + "\n";
        Assert.True(MicrodescriptorKeys.TryParse(System.Text.Encoding.ASCII.GetBytes(body), out var n, out var e));
        Assert.Equal(ntor, n);
        Assert.Equal(ed, e);
    }

    [Fact]
    public void ABodyWithoutAnNtorKeyIsRefused() =>
        Assert.False(MicrodescriptorKeys.TryParse("onion-key\nid ed25519 AAAA\n"u8, out _, out _));
}
