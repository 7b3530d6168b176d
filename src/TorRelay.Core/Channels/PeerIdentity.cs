using TorRelay.Crypto;

namespace TorRelay.Core.Channels;

/// <summary>A relay's proven identities: its RSA-1024 key (fingerprint = SHA-1 of the key) and ed25519 master key.</summary>
public sealed record PeerIdentity(RsaPublicKey RsaKey, Ed25519PublicKey Ed25519Key)
{
    public byte[] RsaFingerprint => RsaKey.Fingerprint;

    /// <summary>40 uppercase hex digits, as in tor's logs and "$FP" notation.</summary>
    public string Hex => Convert.ToHexString(RsaFingerprint);
}
