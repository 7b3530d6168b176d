using TorRelay.Cells.Circuits;

namespace TorRelay.Core.Circuits;

/// <summary>
/// Answers CREATE2 onion skins with our onion keys (the relay role implements it). Pure computation; the circuit
/// switch calls it off the channel's read loop.
/// </summary>
public interface ICreateResponder
{
    /// <summary>
    /// Runs the server side of the handshake. On success writes the CREATED2 handshake data to <paramref name="reply"/>
    /// and 72 bytes of tor1 key material (Df|Db|Kf|Kb) to <paramref name="keyMaterial"/>.
    /// </summary>
    bool TryRespond(HandshakeType type, ReadOnlySpan<byte> onionSkin, Span<byte> reply, out int replyLength, Span<byte> keyMaterial);
}
