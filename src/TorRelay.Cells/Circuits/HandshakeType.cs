namespace TorRelay.Cells.Circuits;

/// <summary>CREATE2 / EXTEND2 handshake types (tor-spec §5.1).</summary>
public enum HandshakeType : ushort
{
    Tap = 0,
    /// <summary>CREATE_FAST; never valid inside CREATE2 or EXTEND2.</summary>
    Fast = 1,
    Ntor = 2,
    NtorV3 = 3,
}

/// <summary>Onion skin length rules shared by CREATE2 and EXTEND2 (C tor check_create_cell).</summary>
public static class HandshakeTypes
{
    public const int TapOnionSkinLength = 186;
    public const int NtorOnionSkinLength = 84;

    /// <summary>
    /// Whether <paramref name="length"/> is right for <paramref name="type"/>. CREATE_FAST is never acceptable here;
    /// ntor-v3 is variable; other types only when <paramref name="unknownOk"/> (EXTEND2 passes them on).
    /// </summary>
    public static bool IsAcceptableLength(HandshakeType type, int length, bool unknownOk) => type switch
    {
        HandshakeType.Tap => length == TapOnionSkinLength,
        HandshakeType.Fast => false,
        HandshakeType.Ntor => length == NtorOnionSkinLength,
        HandshakeType.NtorV3 => true,
        _ => unknownOk,
    };
}
