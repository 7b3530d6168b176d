namespace TorRelay.Cells;

/// <summary>Why a cell or message could not be decoded. Decoders return this instead of throwing.</summary>
public enum CellError
{
    None = 0,
    /// <summary>More bytes are needed; not an error yet.</summary>
    Incomplete,
    /// <summary>The bytes cannot be a valid encoding.</summary>
    Malformed,
    /// <summary>Well-formed, but not allowed in this context.</summary>
    UnexpectedCommand,
    /// <summary>A declared length exceeds what this side accepts.</summary>
    TooLong,
}
