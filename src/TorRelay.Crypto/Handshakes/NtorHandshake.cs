using System.Security.Cryptography;

namespace TorRelay.Crypto.Handshakes;

/// <summary>
/// The ntor handshake (tor-spec §5.1.4, proposal 216) as pure functions. Onion skin: ID (20) | KEYID(B) (32) | X (32);
/// reply: Y (32) | AUTH (32). Key material is KDF-RFC5869(secret_input, t_key, m_expand): for tor1, Df | Db | Kf | Kb
/// (72 bytes) followed by the 20-byte KH nonce that onion services use, so callers usually ask for 92 bytes.
/// </summary>
public static class NtorHandshake
{
    public const int IdentityLength = 20;
    public const int OnionSkinLength = IdentityLength + 32 + 32;
    public const int ReplyLength = 64;

    private static ReadOnlySpan<byte> ProtoId => "ntor-curve25519-sha256-1"u8;
    private static ReadOnlySpan<byte> TMac => "ntor-curve25519-sha256-1:mac"u8;
    private static ReadOnlySpan<byte> TKey => "ntor-curve25519-sha256-1:key_extract"u8;
    private static ReadOnlySpan<byte> TVerify => "ntor-curve25519-sha256-1:verify"u8;
    private static ReadOnlySpan<byte> MExpand => "ntor-curve25519-sha256-1:key_expand"u8;
    private static ReadOnlySpan<byte> Server => "Server"u8;

    private const int SecretInputLength = 32 + 32 + IdentityLength + 32 + 32 + 32 + 24;
    private const int AuthInputLength = 32 + IdentityLength + 32 + 32 + 32 + 24 + 6;

    /// <summary>Client: makes x,X and writes the 84-byte onion skin for relay (ID, B).</summary>
    public static NtorClientState ClientCreate(ReadOnlySpan<byte> relayIdentity, ReadOnlySpan<byte> relayOnionKey,
        IRandomSource random, Span<byte> onionSkin)
    {
        if (relayIdentity.Length != IdentityLength) throw new ArgumentException("ID must be 20 bytes", nameof(relayIdentity));
        if (relayOnionKey.Length != 32) throw new ArgumentException("B must be 32 bytes", nameof(relayOnionKey));
        if (onionSkin.Length < OnionSkinLength) throw new ArgumentException("onion skin buffer too small", nameof(onionSkin));
        var x = Curve25519KeyPair.Generate(random);
        relayIdentity.CopyTo(onionSkin);
        relayOnionKey.CopyTo(onionSkin[20..]);
        x.PublicKey.CopyTo(onionSkin[52..]);
        return new NtorClientState(x, relayIdentity.ToArray(), relayOnionKey.ToArray());
    }

    /// <summary>
    /// Relay: answers a client's onion skin. Picks the onion key whose public half equals KEYID (current, then
    /// previous); fails when the ID is not ours, no key matches, or a DH result is degenerate. On success writes the
    /// 64-byte reply and fills <paramref name="keyMaterial"/>.
    /// </summary>
    public static bool ServerRespond(ReadOnlySpan<byte> onionSkin, ReadOnlySpan<byte> ourIdentity,
        Curve25519KeyPair currentOnionKey, Curve25519KeyPair? previousOnionKey, IRandomSource random,
        Span<byte> reply, Span<byte> keyMaterial)
    {
        if (reply.Length < ReplyLength) throw new ArgumentException("reply buffer too small", nameof(reply));
        if (onionSkin.Length != OnionSkinLength || ourIdentity.Length != IdentityLength) return false;
        var id = onionSkin[..20];
        var keyId = onionSkin.Slice(20, 32);
        var clientX = onionSkin.Slice(52, 32);

        bool bad = !CryptographicOperations.FixedTimeEquals(id, ourIdentity);
        Curve25519KeyPair b = currentOnionKey;
        if (!CryptographicOperations.FixedTimeEquals(keyId, currentOnionKey.PublicKey))
        {
            if (previousOnionKey is not null && CryptographicOperations.FixedTimeEquals(keyId, previousOnionKey.PublicKey))
                b = previousOnionKey;
            else
                bad = true;
        }

        using var y = Curve25519KeyPair.Generate(random);
        Span<byte> secretInput = stackalloc byte[SecretInputLength];
        try
        {
            bad |= !y.TryAgree(clientX, secretInput[..32]);
            bad |= !b.TryAgree(clientX, secretInput[32..64]);
            WriteTail(secretInput[64..], ourIdentity, b.PublicKey, clientX, y.PublicKey);
            ComputeAuth(secretInput, ourIdentity, b.PublicKey, clientX, y.PublicKey, reply[32..64]);
            y.PublicKey.CopyTo(reply);
            if (bad)
            {
                reply[..ReplyLength].Clear();
                return false;
            }
            Kdf.Rfc5869(secretInput, TKey, MExpand, keyMaterial);
            return true;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secretInput);
        }
    }

    /// <summary>Client: checks the relay's reply; on success fills <paramref name="keyMaterial"/>.</summary>
    public static bool ClientFinish(NtorClientState state, ReadOnlySpan<byte> reply, Span<byte> keyMaterial)
    {
        if (reply.Length != ReplyLength) return false;
        var serverY = reply[..32];
        Span<byte> secretInput = stackalloc byte[SecretInputLength];
        Span<byte> auth = stackalloc byte[32];
        try
        {
            bool bad = !state.Ephemeral.TryAgree(serverY, secretInput[..32]);
            bad |= !state.Ephemeral.TryAgree(state.RelayOnionKey, secretInput[32..64]);
            WriteTail(secretInput[64..], state.RelayIdentity, state.RelayOnionKey, state.Ephemeral.PublicKey, serverY);
            ComputeAuth(secretInput, state.RelayIdentity, state.RelayOnionKey, state.Ephemeral.PublicKey, serverY, auth);
            bad |= !CryptographicOperations.FixedTimeEquals(auth, reply[32..64]);
            if (bad) return false;
            Kdf.Rfc5869(secretInput, TKey, MExpand, keyMaterial);
            return true;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secretInput);
        }
    }

    /// <summary>ID | B | X | Y | PROTOID, the part of secret_input after the two DH results.</summary>
    private static void WriteTail(Span<byte> dest, ReadOnlySpan<byte> id, ReadOnlySpan<byte> b, ReadOnlySpan<byte> x,
        ReadOnlySpan<byte> y)
    {
        id.CopyTo(dest);
        b.CopyTo(dest[20..]);
        x.CopyTo(dest[52..]);
        y.CopyTo(dest[84..]);
        ProtoId.CopyTo(dest[116..]);
    }

    /// <summary>AUTH = H(verify | ID | B | Y | X | PROTOID | "Server", t_mac) with verify = H(secret_input, t_verify).</summary>
    private static void ComputeAuth(ReadOnlySpan<byte> secretInput, ReadOnlySpan<byte> id, ReadOnlySpan<byte> b,
        ReadOnlySpan<byte> x, ReadOnlySpan<byte> y, Span<byte> auth)
    {
        Span<byte> authInput = stackalloc byte[AuthInputLength];
        HMACSHA256.HashData(TVerify, secretInput, authInput[..32]);
        id.CopyTo(authInput[32..]);
        b.CopyTo(authInput[52..]);
        y.CopyTo(authInput[84..]);
        x.CopyTo(authInput[116..]);
        ProtoId.CopyTo(authInput[148..]);
        Server.CopyTo(authInput[172..]);
        HMACSHA256.HashData(TMac, authInput, auth);
        CryptographicOperations.ZeroMemory(authInput);
    }
}
