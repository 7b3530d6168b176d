using TorRelay.TestNet;

namespace TorRelay.Interop.Harness;

public sealed class OrConnStatusTests
{
    [Fact]
    public void ParsesLongNamesBareFingerprintsAndAddresses()
    {
        var all = OrConnStatus.ParseAll("""
            $6C6A677F8DD6D87801AD323E18F07DA8921EBAE2~ourrelay CONNECTED
            $325ff840e69a38ee02e4f1bf3929961f31641164 LAUNCHED
            127.0.0.1:41917 NEW
            """);

        Assert.Equal(3, all.Count);
        Assert.Equal("6C6A677F8DD6D87801AD323E18F07DA8921EBAE2", all[0].Fingerprint);
        Assert.True(all[0].IsConnected);
        Assert.Equal("325FF840E69A38EE02E4F1BF3929961F31641164", all[1].Fingerprint);
        Assert.False(all[1].IsConnected);
        Assert.Null(all[2].Fingerprint);
        Assert.Equal("NEW", all[2].Status);
    }
}
