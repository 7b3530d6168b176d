using System.Security.Cryptography;

namespace TorRelay.Crypto.Handshakes;

/// <summary>
/// A relay's half-done ntor-v3 handshake: the client's decrypted message (its extensions) is available so the caller
/// can choose the reply message before <see cref="NtorV3Handshake.ServerRespond"/>.
/// </summary>
public sealed class NtorV3ServerState : IDisposable
{
    private readonly byte[] _clientMessage;

    internal NtorV3ServerState(byte[] myId, byte[] myKey, byte[] clientKey, byte[] xb, byte[] msgMac, byte[] clientMessage)
    {
        MyId = myId;
        MyKey = myKey;
        ClientKey = clientKey;
        Xb = xb;
        MsgMac = msgMac;
        _clientMessage = clientMessage;
    }

    /// <summary>The plaintext message the client sent inside its onion skin.</summary>
    public ReadOnlySpan<byte> ClientMessage => _clientMessage;

    internal byte[] MyId { get; }
    internal byte[] MyKey { get; }
    internal byte[] ClientKey { get; }
    internal byte[] Xb { get; }
    internal byte[] MsgMac { get; }

    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(Xb);
        CryptographicOperations.ZeroMemory(_clientMessage);
    }
}
