using System.Security.Cryptography;

namespace TorRelay.Crypto.Handshakes;

/// <summary>What an ntor-v3 client keeps between CREATE2 and CREATED2.</summary>
public sealed class NtorV3ClientState : IDisposable
{
    internal NtorV3ClientState(Curve25519KeyPair ephemeral, byte[] relayId, byte[] relayOnionKey, byte[] bx, byte[] msgMac)
    {
        Ephemeral = ephemeral;
        RelayId = relayId;
        RelayOnionKey = relayOnionKey;
        Bx = bx;
        MsgMac = msgMac;
    }

    internal Curve25519KeyPair Ephemeral { get; }
    internal byte[] RelayId { get; }
    internal byte[] RelayOnionKey { get; }
    internal byte[] Bx { get; }
    internal byte[] MsgMac { get; }

    public void Dispose()
    {
        Ephemeral.Dispose();
        CryptographicOperations.ZeroMemory(Bx);
    }
}
