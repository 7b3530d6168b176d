using TorRelay.Cells.Certs;
using TorRelay.Crypto;

namespace TorRelay.Relay.Keys;

/// <summary>
/// An immutable snapshot of a relay's long- and medium-term keys (C tor's router.c and routerkeys.c state).
/// Rotation produces a new snapshot; keys in an old snapshot are never disposed by the store, since handshakes in
/// flight may still hold them.
/// </summary>
public sealed record RelayKeys
{
    /// <summary>RSA-1024 identity key (keys/secret_id_key).</summary>
    public required RsaPrivateKey Identity { get; init; }

    /// <summary>The ed25519 master identity public key (keys/ed25519_master_id_public_key).</summary>
    public required Ed25519PublicKey MasterIdentityKey { get; init; }

    /// <summary>The master identity key pair; null when its secret key file is absent (kept offline).</summary>
    public Ed25519KeyPair? MasterIdentity { get; init; }

    /// <summary>The medium-term ed25519 signing key (keys/ed25519_signing_secret_key).</summary>
    public required Ed25519KeyPair Signing { get; init; }

    /// <summary>Type 4 certificate of <see cref="Signing"/>, signed by the master key with the signed-with-key extension.</summary>
    public required Ed25519Cert SigningCert { get; init; }

    /// <summary>Current ntor onion key (keys/secret_onion_key_ntor).</summary>
    public required Curve25519KeyPair NtorOnionKey { get; init; }

    /// <summary>The ntor onion key before the last rotation (keys/secret_onion_key_ntor.old), until its grace period ends.</summary>
    public Curve25519KeyPair? PreviousNtorOnionKey { get; init; }

    /// <summary>Current TAP onion key (keys/secret_onion_key), still required in descriptors by C tor authorities.</summary>
    public required RsaPrivateKey TapOnionKey { get; init; }

    /// <summary>The TAP onion key before the last rotation (keys/secret_onion_key.old).</summary>
    public RsaPrivateKey? PreviousTapOnionKey { get; init; }

    /// <summary>When the current onion keys were made (the ntor key file's modification time).</summary>
    public required DateTimeOffset OnionKeysCreated { get; init; }

    /// <summary>The RSA identity fingerprint, uppercase hex.</summary>
    public string Fingerprint => Identity.PublicKey.FingerprintHex;
}
