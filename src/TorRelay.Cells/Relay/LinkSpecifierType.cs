namespace TorRelay.Cells.Relay;

/// <summary>Link specifier types (tor-spec §5.1.2).</summary>
public enum LinkSpecifierType : byte
{
    /// <summary>IPv4 address (4) | ORPort (2).</summary>
    Ipv4 = 0,
    /// <summary>IPv6 address (16) | ORPort (2).</summary>
    Ipv6 = 1,
    /// <summary>SHA-1 of the RSA identity key (20).</summary>
    LegacyId = 2,
    /// <summary>Ed25519 identity key (32).</summary>
    Ed25519Id = 3,
}
