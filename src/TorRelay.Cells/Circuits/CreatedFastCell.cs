using TorRelay.Cells.Relay;

namespace TorRelay.Cells.Circuits;

/// <summary>CREATED_FAST payload (tor-spec §5.1.5): Y (20) | KH (20).</summary>
public readonly struct CreatedFastCell
{
    public const int KeyLength = 20;
    public const int Length = 2 * KeyLength;

    public CreatedFastCell(ReadOnlyMemory<byte> y, ReadOnlyMemory<byte> derivativeKeyData)
    {
        if (y.Length != KeyLength || derivativeKeyData.Length != KeyLength) throw new ArgumentException("Y and KH are 20 bytes each");
        Y = y;
        DerivativeKeyData = derivativeKeyData;
    }

    public ReadOnlyMemory<byte> Y { get; }
    /// <summary>KH: proves the relay knows the derived keys.</summary>
    public ReadOnlyMemory<byte> DerivativeKeyData { get; }

    public static bool TryDecode(ReadOnlySpan<byte> payload, out CreatedFastCell cell, out CellError error)
    {
        if (payload.Length < Length) return Wire.Fail(out cell, out error);
        cell = new CreatedFastCell(payload[..KeyLength].ToArray(), payload[KeyLength..Length].ToArray());
        return Wire.Ok(out error);
    }

    public int EncodeTo(Span<byte> payload)
    {
        Wire.EnsureRoom(payload, Length);
        Y.Span.CopyTo(payload);
        DerivativeKeyData.Span.CopyTo(payload[KeyLength..]);
        return Length;
    }
}
