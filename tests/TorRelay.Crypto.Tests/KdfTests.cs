using System.Text;

namespace TorRelay.Crypto.Tests;

public class KdfTests
{
    // RFC 5869 A.1-A.3, as used in C tor's test_crypto_hkdf_sha256_testvecs.
    [Theory]
    [InlineData("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "000102030405060708090a0b0c", "f0f1f2f3f4f5f6f7f8f9", 42,
        "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865")]
    [InlineData("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f",
        "606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9aaabacadaeaf",
        "b0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff",
        82,
        "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71cc30c58179ec3e87c14c01d5c1f3434f1d87")]
    [InlineData("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "", "", 42,
        "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8")]
    public void Rfc5869_MatchesRfcVectors(string ikm, string salt, string info, int length, string okm)
    {
        var output = new byte[length];
        Kdf.Rfc5869(Hex.D(ikm), Hex.D(salt), Hex.D(info), output);
        Assert.Equal(okm, Hex.E(output));
    }

    // C tor test_crypto_hkdf_sha256 (ntor salt and m_expand, vectors from ntor_ref.py).
    [Theory]
    [InlineData("Tor", "5521492a85139a8d9107a2d5c0d9c91610d0f95989975ebee6c02a4f8d622a6cfdf9b7c7edd3832e2760ded1eac309b76f8d66c4a3c4d6225429b3a016e3c3d45911152fc87bc2de9630c3961be9fdb9f93197ea8e5977180801926d3321fa21513e59ac")]
    [InlineData("AN ALARMING ITEM TO FIND ON YOUR CREDIT-RATING STATEMENT", "a2aa9b50da7e481d30463adb8f233ff06e9571a0ca6ab6df0fb206fa34e5bc78d063fc291501beec53b36e5a0e434561200c5f8bd13e0f88b3459600b4dc21d69363e2895321c06184879d94b18f078411be70b767c7fc40679a9440a0c95ea83a23efbf")]
    public void Rfc5869_MatchesTorNtorVectors(string secret, string expected)
    {
        var output = new byte[100];
        Kdf.Rfc5869(Encoding.ASCII.GetBytes(secret), "ntor-curve25519-sha256-1:key_extract"u8,
            "ntor-curve25519-sha256-1:key_expand"u8, output);
        Assert.Equal(expected, Hex.E(output));
    }

    // C tor test_crypto_kdf_TAP.
    [Theory]
    [InlineData("", "5ba93c9db0cff93f52b521d7420e43f6eda2784fbf8b4530d8d246dd74ac53a13471bba17941dff7c4ea21bb365bbeeaf5f2c654883e56d11e43c44e9842926af7ca0a8cca12604f945414f07b01e13da42c6cf1de3abfdea9b95f34687cbbe92b9a7383")]
    [InlineData("Tor", "776c6214fc647aaa5f683c737ee66ec44f03d0372e1cce69227950f236ddf1e329a7ce7c227903303f525a8c6662426e8034870642a6dabbd41b5d97ec9bf2312ea729992f48f8ea2d0ba83f45dfda1a80bdc8b80de01b23e3e0ffae099b3e4ccf28dc28")]
    [InlineData("AN ALARMING ITEM TO FIND ON A MONTHLY AUTO-DEBIT NOTICE", "a340b5d126086c3ab29c2af4179196dbf95e1c72431419d3314844bf8f6afb6098db952b95581fb6c33625709d6f4400b8e7ace18a70579fad83c0982ef73f89395bcc39493ad53a685854daf2ba9b78733b805d9a6824c907ee1dba5ac27a1e466d4d10")]
    public void Tor_MatchesTorKdfVectors(string k0, string expected)
    {
        var output = new byte[100];
        Kdf.Tor(Encoding.ASCII.GetBytes(k0), output);
        Assert.Equal(expected, Hex.E(output));
    }

    [Fact]
    public void Tor_PrefixOfLongerOutputIsShorterOutput()
    {
        var longOut = new byte[72];
        var shortOut = new byte[33];
        Kdf.Tor("k0"u8, longOut);
        Kdf.Tor("k0"u8, shortOut);
        Assert.Equal(longOut[..33], shortOut);
    }
}
