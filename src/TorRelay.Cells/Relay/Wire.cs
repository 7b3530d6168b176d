namespace TorRelay.Cells.Relay;

/// <summary>Small helpers shared by the relay message codecs.</summary>
internal static class Wire
{
    public static void EnsureRoom(Span<byte> destination, int needed)
    {
        if (destination.Length < needed)
            throw new ArgumentException($"destination holds {destination.Length} bytes, message needs {needed}", nameof(destination));
    }

    public static bool Fail<T>(out T value, out CellError error, CellError why = CellError.Malformed)
    {
        value = default!;
        error = why;
        return false;
    }

    public static bool Ok(out CellError error)
    {
        error = CellError.None;
        return true;
    }
}
