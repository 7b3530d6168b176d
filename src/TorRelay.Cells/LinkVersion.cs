namespace TorRelay.Cells;

/// <summary>Link protocol facts that change the cell format (tor-spec §3, §4).</summary>
public static class LinkVersion
{
    /// <summary>The link protocols we speak, lowest first. 3 is accepted for old peers; 4 and 5 are current.</summary>
    public static ReadOnlySpan<ushort> Supported => [3, 4, 5];

    /// <summary>Before VERSIONS is negotiated, and for link protocol ≤ 3, circuit IDs are 2 bytes.</summary>
    public static int CircIdLength(int version) => version >= 4 ? 4 : 2;

    /// <summary>Fixed-length cells carry 509 payload bytes.</summary>
    public const int PayloadLength = 509;

    public static int FixedCellLength(int version) => CircIdLength(version) + 1 + PayloadLength;

    /// <summary>Largest variable-length payload we buffer (the wire allows 65535); CERTS cells are ~1.5 KiB.</summary>
    public const int MaxVarPayloadLength = 65535;
}
