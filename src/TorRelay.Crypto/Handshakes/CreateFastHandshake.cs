using System.Security.Cryptography;

namespace TorRelay.Crypto.Handshakes;

/// <summary>
/// CREATE_FAST (tor-spec §5.1.5): the client sends X (20 random bytes), the relay answers Y (20) | KH (20), and both
/// expand KDF-TOR(X | Y) into KH | key material. Only for the first hop, whose TLS link already authenticates it.
/// </summary>
public static class CreateFastHandshake
{
    public const int KeyLength = 20;
    public const int ReplyLength = 2 * KeyLength;

    /// <summary>Client: fills X; the caller keeps it as the state.</summary>
    public static void ClientCreate(IRandomSource random, Span<byte> x) => random.Fill(x[..KeyLength]);

    /// <summary>Relay: writes Y | KH and fills <paramref name="keyMaterial"/>.</summary>
    public static bool ServerRespond(ReadOnlySpan<byte> x, IRandomSource random, Span<byte> reply, Span<byte> keyMaterial)
    {
        if (x.Length != KeyLength) return false;
        if (reply.Length < ReplyLength) throw new ArgumentException("reply buffer too small", nameof(reply));
        random.Fill(reply[..KeyLength]);
        Expand(x, reply[..KeyLength], reply.Slice(KeyLength, KeyLength), keyMaterial);
        return true;
    }

    /// <summary>Client: checks KH in the relay's reply; on success fills <paramref name="keyMaterial"/>.</summary>
    public static bool ClientFinish(ReadOnlySpan<byte> x, ReadOnlySpan<byte> reply, Span<byte> keyMaterial)
    {
        if (x.Length != KeyLength || reply.Length != ReplyLength) return false;
        Span<byte> kh = stackalloc byte[KeyLength];
        Expand(x, reply[..KeyLength], kh, keyMaterial);
        if (CryptographicOperations.FixedTimeEquals(kh, reply[KeyLength..])) return true;
        CryptographicOperations.ZeroMemory(keyMaterial);
        return false;
    }

    private static void Expand(ReadOnlySpan<byte> x, ReadOnlySpan<byte> y, Span<byte> kh, Span<byte> keyMaterial)
    {
        Span<byte> k0 = stackalloc byte[2 * KeyLength];
        x.CopyTo(k0);
        y.CopyTo(k0[KeyLength..]);
        int total = KeyLength + keyMaterial.Length;
        byte[] output = new byte[total];
        Kdf.Tor(k0, output);
        output.AsSpan(0, KeyLength).CopyTo(kh);
        output.AsSpan(KeyLength).CopyTo(keyMaterial);
        CryptographicOperations.ZeroMemory(output);
        CryptographicOperations.ZeroMemory(k0);
    }
}
