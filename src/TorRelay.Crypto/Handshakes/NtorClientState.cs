namespace TorRelay.Crypto.Handshakes;

/// <summary>What an ntor client keeps between CREATE2 and CREATED2: x, and the relay's ID and B it used.</summary>
public sealed class NtorClientState : IDisposable
{
    internal NtorClientState(Curve25519KeyPair ephemeral, byte[] relayIdentity, byte[] relayOnionKey)
    {
        Ephemeral = ephemeral;
        RelayIdentity = relayIdentity;
        RelayOnionKey = relayOnionKey;
    }

    internal Curve25519KeyPair Ephemeral { get; }
    internal byte[] RelayIdentity { get; }
    internal byte[] RelayOnionKey { get; }

    public void Dispose() => Ephemeral.Dispose();
}
