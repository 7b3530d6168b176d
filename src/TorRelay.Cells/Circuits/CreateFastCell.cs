using TorRelay.Cells.Relay;

namespace TorRelay.Cells.Circuits;

/// <summary>CREATE_FAST payload (tor-spec §5.1.5): X, 20 random bytes; the rest of the payload is padding.</summary>
public readonly struct CreateFastCell
{
    public const int KeyLength = 20;

    public CreateFastCell(ReadOnlyMemory<byte> x) =>
        X = x.Length == KeyLength ? x : throw new ArgumentException("X is 20 bytes", nameof(x));

    public ReadOnlyMemory<byte> X { get; }

    public static bool TryDecode(ReadOnlySpan<byte> payload, out CreateFastCell cell, out CellError error)
    {
        if (payload.Length < KeyLength) return Wire.Fail(out cell, out error);
        cell = new CreateFastCell(payload[..KeyLength].ToArray());
        return Wire.Ok(out error);
    }

    public int EncodeTo(Span<byte> payload)
    {
        Wire.EnsureRoom(payload, KeyLength);
        X.Span.CopyTo(payload);
        return KeyLength;
    }
}
