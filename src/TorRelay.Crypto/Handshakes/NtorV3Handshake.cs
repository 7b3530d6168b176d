using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using TorRelay.Crypto.Relay;

namespace TorRelay.Crypto.Handshakes;

/// <summary>
/// The ntor-v3 handshake (proposal 332, tor-spec "ntor-v3"; C tor onion_ntor_v3.c) as pure functions.
/// Onion skin: ID (32, ed25519) | B (32) | X (32) | encrypted message | MAC (32).
/// Reply: Y (32) | AUTH (32) | encrypted message. The relay first runs <see cref="ServerAccept"/>, reads the client's
/// message (extensions), then <see cref="ServerRespond"/> with its own. For circuits the verification string is
/// <see cref="CircuitExtendVerification"/>.
/// </summary>
public static class NtorV3Handshake
{
    public const int IdLength = 32;
    public const int KeyLength = 32;
    public const int MacLength = 32;
    /// <summary>Onion skin bytes besides the client message.</summary>
    public const int OnionSkinOverhead = IdLength + 2 * KeyLength + MacLength;
    /// <summary>Reply bytes besides the relay message.</summary>
    public const int ReplyOverhead = KeyLength + MacLength;

    /// <summary>What C tor uses as the verification string for CREATE2 / EXTEND2 (onion_crypto.c).</summary>
    public static ReadOnlySpan<byte> CircuitExtendVerification => "circuit extend"u8;

    private static ReadOnlySpan<byte> ProtoId => "ntor3-curve25519-sha3_256-1"u8;
    private static ReadOnlySpan<byte> TMsgKdf => "ntor3-curve25519-sha3_256-1:kdf_phase1"u8;
    private static ReadOnlySpan<byte> TMsgMac => "ntor3-curve25519-sha3_256-1:msg_mac"u8;
    private static ReadOnlySpan<byte> TKeySeed => "ntor3-curve25519-sha3_256-1:key_seed"u8;
    private static ReadOnlySpan<byte> TVerify => "ntor3-curve25519-sha3_256-1:verify"u8;
    private static ReadOnlySpan<byte> TFinal => "ntor3-curve25519-sha3_256-1:kdf_final"u8;
    private static ReadOnlySpan<byte> TAuth => "ntor3-curve25519-sha3_256-1:auth_final"u8;
    private static ReadOnlySpan<byte> Server => "Server"u8;

    public static int OnionSkinLength(int clientMessageLength) => OnionSkinOverhead + clientMessageLength;
    public static int ReplyLength(int serverMessageLength) => ReplyOverhead + serverMessageLength;

    /// <summary>
    /// Client: makes x,X and writes the onion skin carrying <paramref name="message"/> encrypted to relay (ID, B).
    /// Fails only if B is a degenerate point.
    /// </summary>
    public static bool ClientCreate(ReadOnlySpan<byte> relayId, ReadOnlySpan<byte> relayOnionKey,
        ReadOnlySpan<byte> verification, ReadOnlySpan<byte> message, IRandomSource random, Span<byte> onionSkin,
        [NotNullWhen(true)] out NtorV3ClientState? state)
    {
        state = null;
        if (relayId.Length != IdLength) throw new ArgumentException("ID must be 32 bytes", nameof(relayId));
        if (relayOnionKey.Length != KeyLength) throw new ArgumentException("B must be 32 bytes", nameof(relayOnionKey));
        if (onionSkin.Length < OnionSkinLength(message.Length))
            throw new ArgumentException("onion skin buffer too small", nameof(onionSkin));

        var x = Curve25519KeyPair.Generate(random);
        var bx = new byte[32];
        if (!x.TryAgree(relayOnionKey, bx))
        {
            x.Dispose();
            return false;
        }
        Span<byte> keys = stackalloc byte[64]; // enc_key | mac_key
        Phase1Keys(bx, relayId, x.PublicKey, relayOnionKey, verification, keys);

        relayId.CopyTo(onionSkin);
        relayOnionKey.CopyTo(onionSkin[32..]);
        x.PublicKey.CopyTo(onionSkin[64..]);
        var encrypted = onionSkin.Slice(96, message.Length);
        PortableAesCtr.Transform(keys[..32], message, encrypted);
        var msgMac = new byte[MacLength];
        MessageMac(keys[32..], relayId, relayOnionKey, x.PublicKey, encrypted, msgMac);
        msgMac.CopyTo(onionSkin[(96 + message.Length)..]);
        CryptographicOperations.ZeroMemory(keys);

        state = new NtorV3ClientState(x, relayId.ToArray(), relayOnionKey.ToArray(), bx, msgMac);
        return true;
    }

    /// <summary>
    /// Relay, first half: parses the onion skin, picks the onion key named in it (current, then previous), checks the
    /// ID and MAC and decrypts the client's message. False on any mismatch.
    /// </summary>
    public static bool ServerAccept(ReadOnlySpan<byte> onionSkin, ReadOnlySpan<byte> ourId,
        Curve25519KeyPair currentOnionKey, Curve25519KeyPair? previousOnionKey, ReadOnlySpan<byte> verification,
        [NotNullWhen(true)] out NtorV3ServerState? state)
    {
        state = null;
        if (onionSkin.Length < OnionSkinOverhead || ourId.Length != IdLength) return false;
        var wantedId = onionSkin[..32];
        var wantedKey = onionSkin.Slice(32, 32);
        var clientX = onionSkin.Slice(64, 32);
        int messageLength = onionSkin.Length - OnionSkinOverhead;
        var encrypted = onionSkin.Slice(96, messageLength);
        var msgMac = onionSkin[(96 + messageLength)..];

        bool bad = !CryptographicOperations.FixedTimeEquals(ourId, wantedId);
        Curve25519KeyPair b = currentOnionKey;
        if (!CryptographicOperations.FixedTimeEquals(wantedKey, currentOnionKey.PublicKey))
        {
            if (previousOnionKey is not null && CryptographicOperations.FixedTimeEquals(wantedKey, previousOnionKey.PublicKey))
                b = previousOnionKey;
            else
                bad = true;
        }

        var xb = new byte[32];
        bad |= !b.TryAgree(clientX, xb);
        Span<byte> keys = stackalloc byte[64];
        Span<byte> computedMac = stackalloc byte[MacLength];
        Phase1Keys(xb, wantedId, clientX, b.PublicKey, verification, keys);
        MessageMac(keys[32..], ourId, b.PublicKey, clientX, encrypted, computedMac);
        bad |= !CryptographicOperations.FixedTimeEquals(computedMac, msgMac);

        var message = new byte[messageLength];
        PortableAesCtr.Transform(keys[..32], encrypted, message);
        CryptographicOperations.ZeroMemory(keys);
        if (bad)
        {
            CryptographicOperations.ZeroMemory(xb);
            CryptographicOperations.ZeroMemory(message);
            return false;
        }
        state = new NtorV3ServerState(ourId.ToArray(), b.PublicKey.ToArray(), clientX.ToArray(), xb, msgMac.ToArray(), message);
        return true;
    }

    /// <summary>
    /// Relay, second half: makes y,Y, writes the reply carrying <paramref name="serverMessage"/> encrypted
    /// (<see cref="ReplyLength"/> bytes) and fills <paramref name="keyMaterial"/>.
    /// </summary>
    public static bool ServerRespond(NtorV3ServerState state, ReadOnlySpan<byte> verification,
        ReadOnlySpan<byte> serverMessage, IRandomSource random, Span<byte> reply, Span<byte> keyMaterial)
    {
        if (reply.Length < ReplyLength(serverMessage.Length)) throw new ArgumentException("reply buffer too small", nameof(reply));
        using var y = Curve25519KeyPair.Generate(random);
        Span<byte> xy = stackalloc byte[32];
        Span<byte> keySeed = stackalloc byte[32];
        Span<byte> verify = stackalloc byte[32];
        try
        {
            bool bad = !y.TryAgree(state.ClientKey, xy);
            SeedAndVerify(xy, state.Xb, state.MyId, state.MyKey, state.ClientKey, y.PublicKey, verification, keySeed, verify);
            var encrypted = reply.Slice(64, serverMessage.Length);
            FinalKeys(keySeed, serverMessage, encrypted, keyMaterial);
            ComputeAuth(verify, state.MyId, state.MyKey, y.PublicKey, state.ClientKey, state.MsgMac, encrypted, reply[32..64]);
            y.PublicKey.CopyTo(reply);
            if (bad)
            {
                reply[..ReplyLength(serverMessage.Length)].Clear();
                RandomNumberGenerator.Fill(keyMaterial);
                return false;
            }
            return true;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(xy);
            CryptographicOperations.ZeroMemory(keySeed);
            CryptographicOperations.ZeroMemory(verify);
        }
    }

    /// <summary>Client: checks the relay's reply; on success fills <paramref name="keyMaterial"/> and returns its message.</summary>
    public static bool ClientFinish(NtorV3ClientState state, ReadOnlySpan<byte> reply, ReadOnlySpan<byte> verification,
        Span<byte> keyMaterial, [NotNullWhen(true)] out byte[]? serverMessage)
    {
        serverMessage = null;
        if (reply.Length < ReplyOverhead) return false;
        var relayY = reply[..32];
        var relayAuth = reply.Slice(32, 32);
        var encrypted = reply[64..];
        Span<byte> yx = stackalloc byte[32];
        Span<byte> keySeed = stackalloc byte[32];
        Span<byte> verify = stackalloc byte[32];
        Span<byte> auth = stackalloc byte[32];
        try
        {
            bool bad = !state.Ephemeral.TryAgree(relayY, yx);
            SeedAndVerify(yx, state.Bx, state.RelayId, state.RelayOnionKey, state.Ephemeral.PublicKey, relayY,
                verification, keySeed, verify);
            ComputeAuth(verify, state.RelayId, state.RelayOnionKey, relayY, state.Ephemeral.PublicKey, state.MsgMac,
                encrypted, auth);
            bad |= !CryptographicOperations.FixedTimeEquals(auth, relayAuth);
            var message = new byte[encrypted.Length];
            FinalKeys(keySeed, encrypted, message, keyMaterial);
            if (bad)
            {
                CryptographicOperations.ZeroMemory(message);
                RandomNumberGenerator.Fill(keyMaterial);
                return false;
            }
            serverMessage = message;
            return true;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(yx);
            CryptographicOperations.ZeroMemory(keySeed);
            CryptographicOperations.ZeroMemory(verify);
        }
    }

    /// <summary>enc_key | mac_key = SHAKE-256(ENCAP(t_msgkdf) | Bx | ID | X | B | PROTOID | ENCAP(VER)).</summary>
    private static void Phase1Keys(ReadOnlySpan<byte> bx, ReadOnlySpan<byte> id, ReadOnlySpan<byte> x,
        ReadOnlySpan<byte> b, ReadOnlySpan<byte> verification, Span<byte> keys)
    {
        using var xof = new Shake256();
        AppendEncap(xof, TMsgKdf);
        xof.AppendData(bx);
        xof.AppendData(id);
        xof.AppendData(x);
        xof.AppendData(b);
        xof.AppendData(ProtoId);
        AppendEncap(xof, verification);
        xof.GetHashAndReset(keys);
    }

    /// <summary>MAC = SHA3-256(ENCAP(t_msgmac) | ENCAP(mac_key) | ID | B | X | encrypted message).</summary>
    private static void MessageMac(ReadOnlySpan<byte> macKey, ReadOnlySpan<byte> id, ReadOnlySpan<byte> b,
        ReadOnlySpan<byte> x, ReadOnlySpan<byte> encrypted, Span<byte> mac)
    {
        using var d = IncrementalHash.CreateHash(HashAlgorithmName.SHA3_256);
        AppendEncap(d, TMsgMac);
        AppendEncap(d, macKey);
        d.AppendData(id);
        d.AppendData(b);
        d.AppendData(x);
        d.AppendData(encrypted);
        d.GetHashAndReset(mac);
    }

    /// <summary>KEY_SEED and verify: SHA3-256 of a tweak and secret_input = xy | xb | ID | B | X | Y | PROTOID | ENCAP(VER).</summary>
    private static void SeedAndVerify(ReadOnlySpan<byte> xy, ReadOnlySpan<byte> xb, ReadOnlySpan<byte> id,
        ReadOnlySpan<byte> b, ReadOnlySpan<byte> x, ReadOnlySpan<byte> y, ReadOnlySpan<byte> verification,
        Span<byte> keySeed, Span<byte> verify)
    {
        using var ks = IncrementalHash.CreateHash(HashAlgorithmName.SHA3_256);
        using var v = IncrementalHash.CreateHash(HashAlgorithmName.SHA3_256);
        AppendEncap(ks, TKeySeed);
        AppendEncap(v, TVerify);
        foreach (var h in (ReadOnlySpan<IncrementalHash>)[ks, v])
        {
            h.AppendData(xy);
            h.AppendData(xb);
            h.AppendData(id);
            h.AppendData(b);
            h.AppendData(x);
            h.AppendData(y);
            h.AppendData(ProtoId);
            AppendEncap(h, verification);
        }
        ks.GetHashAndReset(keySeed);
        v.GetHashAndReset(verify);
    }

    /// <summary>enc_key | keys = SHAKE-256(ENCAP(t_final) | KEY_SEED); the message is AES-256-CTR'd with enc_key.</summary>
    private static void FinalKeys(ReadOnlySpan<byte> keySeed, ReadOnlySpan<byte> messageIn, Span<byte> messageOut,
        Span<byte> keyMaterial)
    {
        var stream = new byte[32 + keyMaterial.Length];
        using (var xof = new Shake256())
        {
            AppendEncap(xof, TFinal);
            xof.AppendData(keySeed);
            xof.GetHashAndReset(stream);
        }
        stream.AsSpan(32).CopyTo(keyMaterial);
        PortableAesCtr.Transform(stream.AsSpan(0, 32), messageIn, messageOut);
        CryptographicOperations.ZeroMemory(stream);
    }

    /// <summary>AUTH = SHA3-256(ENCAP(t_auth) | verify | ID | B | Y | X | MAC | ENCAP(encrypted reply) | PROTOID | "Server").</summary>
    private static void ComputeAuth(ReadOnlySpan<byte> verify, ReadOnlySpan<byte> id, ReadOnlySpan<byte> b,
        ReadOnlySpan<byte> y, ReadOnlySpan<byte> x, ReadOnlySpan<byte> msgMac, ReadOnlySpan<byte> encrypted, Span<byte> auth)
    {
        using var d = IncrementalHash.CreateHash(HashAlgorithmName.SHA3_256);
        AppendEncap(d, TAuth);
        d.AppendData(verify);
        d.AppendData(id);
        d.AppendData(b);
        d.AppendData(y);
        d.AppendData(x);
        d.AppendData(msgMac);
        AppendEncap(d, encrypted);
        d.AppendData(ProtoId);
        d.AppendData(Server);
        d.GetHashAndReset(auth);
    }

    private static void AppendEncap(IncrementalHash h, ReadOnlySpan<byte> data)
    {
        Span<byte> len = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(len, (ulong)data.Length);
        h.AppendData(len);
        h.AppendData(data);
    }

    private static void AppendEncap(Shake256 h, ReadOnlySpan<byte> data)
    {
        Span<byte> len = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(len, (ulong)data.Length);
        h.AppendData(len);
        h.AppendData(data);
    }
}
