using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace TorRelay.Crypto.Relay;

/// <summary>
/// One hop's tor1 relay crypto (tor-spec §5.2, §6.1; C tor relay_crypto.c): forward and backward AES-128-CTR streams
/// and running SHA-1 digests, keyed from Df | Db | Kf | Kb. The relay side uses <see cref="DecryptForward(Span{byte})"/>
/// and <see cref="EncryptBackward"/>; the origin (client) side keeps one layer per hop and uses
/// <see cref="EncryptForward"/> and <see cref="DecryptBackward"/>. Both sides derive identical state from the same key
/// material. Bodies are the 509-byte relay cell payload. Nothing here allocates per cell.
/// </summary>
public sealed class RelayCryptoLayer : IDisposable
{
    /// <summary>Df (20) | Db (20) | Kf (16) | Kb (16): CPATH_KEY_MATERIAL_LEN.</summary>
    public const int KeyMaterialLength = 2 * RelayDigest.DigestLength + 2 * Aes128Ctr.KeyLength;
    public const int BodyLength = 509;

    // Relay header (tor-spec §6.1): command(1) recognized(2) stream id(2) digest(4) length(2).
    private const int RecognizedOffset = 1;
    private const int DigestOffset = 5;

    private readonly Aes128Ctr _forwardCipher;
    private readonly Aes128Ctr _backwardCipher;
    private readonly RelayDigest _forwardDigest;
    private readonly RelayDigest _backwardDigest;
    private readonly byte[] _lastForwardDigest = new byte[RelayDigest.DigestLength];
    private readonly byte[] _lastBackwardDigest = new byte[RelayDigest.DigestLength];

    /// <summary>Builds the layer from the first <see cref="KeyMaterialLength"/> bytes of a handshake's key material.</summary>
    public RelayCryptoLayer(ReadOnlySpan<byte> keyMaterial)
    {
        if (keyMaterial.Length < KeyMaterialLength)
            throw new ArgumentException($"tor1 key material must be at least {KeyMaterialLength} bytes", nameof(keyMaterial));
        _forwardDigest = new RelayDigest(keyMaterial[..20]);
        _backwardDigest = new RelayDigest(keyMaterial[20..40]);
        _forwardCipher = new Aes128Ctr(keyMaterial[40..56]);
        _backwardCipher = new Aes128Ctr(keyMaterial[56..72]);
    }

    /// <summary>
    /// The forward running digest right after the last forward cell this layer recognized or originated: what a relay
    /// puts in a SENDME v1 it sends, or what an origin expects back in one (C tor's sendme_digest).
    /// </summary>
    public ReadOnlySpan<byte> LastForwardDigest => _lastForwardDigest;

    /// <summary>The backward running digest right after the last backward cell this layer originated or recognized.</summary>
    public ReadOnlySpan<byte> LastBackwardDigest => _lastBackwardDigest;

    // ---- relay side ----

    /// <summary>
    /// Relay side, cell arriving from the client: removes our layer in place and returns true when the cell is for us
    /// (recognized == 0 and the digest matches). Then the body's digest field is left zeroed and the forward digest has
    /// advanced; otherwise the digest state and the body's digest field are as before and the cell is to be relayed on.
    /// </summary>
    public bool DecryptForward(Span<byte> body) => DecryptForward(body, body);

    /// <summary>As <see cref="DecryptForward(Span{byte})"/>, decrypting from <paramref name="source"/> into <paramref name="destination"/>.</summary>
    public bool DecryptForward(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        CheckBody(source.Length);
        CheckBody(destination.Length);
        _forwardCipher.Process(source[..BodyLength], destination);
        return IsRecognized(destination[..BodyLength], _forwardDigest, _lastForwardDigest);
    }

    /// <summary>
    /// Relay side, cell heading to the client: adds our layer in place. When we originate it, first sets recognized
    /// to 0 and fills the digest field from the backward running digest (C tor relay_set_digest).
    /// </summary>
    public void EncryptBackward(Span<byte> body, bool originatedHere)
    {
        CheckBody(body.Length);
        if (originatedHere) SetDigest(body[..BodyLength], _backwardDigest, _lastBackwardDigest);
        _backwardCipher.Process(body[..BodyLength], body);
    }

    // ---- origin side ----

    /// <summary>
    /// Origin side, forward cell: adds this hop's layer in place. Call for the destination hop first with
    /// <paramref name="isDestination"/> true (sets recognized and the digest), then for each earlier hop back to the first.
    /// </summary>
    public void EncryptForward(Span<byte> body, bool isDestination)
    {
        CheckBody(body.Length);
        if (isDestination) SetDigest(body[..BodyLength], _forwardDigest, _lastForwardDigest);
        _forwardCipher.Process(body[..BodyLength], body);
    }

    /// <summary>
    /// Origin side, backward cell: removes this hop's layer in place; true when this hop originated it. Call for the
    /// first hop, then the next, until one returns true.
    /// </summary>
    public bool DecryptBackward(Span<byte> body)
    {
        CheckBody(body.Length);
        _backwardCipher.Process(body[..BodyLength], body);
        return IsRecognized(body[..BodyLength], _backwardDigest, _lastBackwardDigest);
    }

    // ---- shared ----

    [SkipLocalsInit]
    private static void SetDigest(Span<byte> body, RelayDigest digest, byte[] last)
    {
        body.Slice(RecognizedOffset, 2).Clear();
        body.Slice(DigestOffset, 4).Clear();
        digest.Add(body);
        digest.GetCurrent(last);
        last.AsSpan(0, 4).CopyTo(body[DigestOffset..]);
    }

    /// <summary>C tor relay_digest_matches: digest with the field zeroed; roll back state and field on mismatch.</summary>
    [SkipLocalsInit]
    private static bool IsRecognized(Span<byte> body, RelayDigest digest, byte[] last)
    {
        if (body[RecognizedOffset] != 0 || body[RecognizedOffset + 1] != 0) return false;

        Span<byte> checkpoint = stackalloc byte[RelayDigest.StateLength];
        Span<byte> computed = stackalloc byte[RelayDigest.DigestLength];
        digest.SaveState(checkpoint);
        uint received = BinaryPrimitives.ReadUInt32BigEndian(body[DigestOffset..]);
        body.Slice(DigestOffset, 4).Clear();
        digest.Add(body);
        digest.GetCurrent(computed);
        bool match = BinaryPrimitives.ReadUInt32BigEndian(computed) == received;
        if (match)
        {
            computed.CopyTo(last);
        }
        else
        {
            digest.RestoreState(checkpoint);
            BinaryPrimitives.WriteUInt32BigEndian(body[DigestOffset..], received);
        }
        checkpoint.Clear();
        return match;
    }

    private static void CheckBody(int length)
    {
        if (length < BodyLength) throw new ArgumentException("a relay cell body is 509 bytes");
    }

    public void Dispose()
    {
        _forwardCipher.Dispose();
        _backwardCipher.Dispose();
        _forwardDigest.Dispose();
        _backwardDigest.Dispose();
    }
}
