namespace TorRelay.Cells;

/// <summary>A circuit ID on one channel: 2 bytes before link protocol 4, 4 bytes after. Zero means "no circuit".</summary>
public readonly record struct CircId(uint Value)
{
    public static readonly CircId None = default;
    public bool IsNone => Value == 0;
    public override string ToString() => Value.ToString("X");
}
