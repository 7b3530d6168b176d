namespace TorRelay.Cells.Certs;

/// <summary>Certificate types used in CERTS cells and ed25519 certificates (tor-spec §4.2, cert-spec §A.1).</summary>
public enum CertType : byte
{
    /// <summary>X.509 link certificate (the TLS certificate), signed by the RSA identity key.</summary>
    RsaLink = 1,
    /// <summary>Self-signed X.509 RSA-1024 identity certificate.</summary>
    RsaIdentity = 2,
    /// <summary>X.509 RSA authentication certificate (legacy AUTHENTICATE methods).</summary>
    RsaAuthenticate = 3,
    /// <summary>Ed25519 signing key, signed with the master identity key.</summary>
    Ed25519Signing = 4,
    /// <summary>SHA-256 of the TLS link certificate, signed with the ed25519 signing key.</summary>
    Ed25519TlsLink = 5,
    /// <summary>Ed25519 AUTHENTICATE key, signed with the ed25519 signing key.</summary>
    Ed25519Authenticate = 6,
    /// <summary>RSA→ed25519 cross-certificate.</summary>
    RsaEd25519Cross = 7,
    /// <summary>ntor onion key cross-certificate (curve25519 key converted to ed25519, signing the identity).</summary>
    NtorOnionKeyCross = 10,
}

/// <summary>What the certified key field of an ed25519 certificate holds (cert-spec §2.1).</summary>
public enum CertKeyType : byte
{
    Ed25519 = 1,
    Sha256OfRsa = 2,
    Sha256OfX509 = 3,
}
