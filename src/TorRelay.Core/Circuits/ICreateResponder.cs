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

    /// <summary>
    /// As <see cref="TryRespond(HandshakeType, ReadOnlySpan{byte}, Span{byte}, out int, Span{byte})"/>, also negotiating
    /// congestion control (proposal 324) in ntor-v3: when the client asks for it and <paramref name="sendmeInc"/> is not
    /// null (CC enabled by the consensus), the reply grants it with that cc_sendme_inc and
    /// <paramref name="congestionControl"/> is true. A responder that knows no extensions grants nothing.
    /// </summary>
    bool TryRespond(HandshakeType type, ReadOnlySpan<byte> onionSkin, byte? sendmeInc, Span<byte> reply, out int replyLength,
        Span<byte> keyMaterial, out bool congestionControl)
    {
        congestionControl = false;
        return TryRespond(type, onionSkin, reply, out replyLength, keyMaterial);
    }
}
