namespace TorRelay.Relay.Keys;

/// <summary>What <see cref="RelayKeyStore.RotateIfNeeded"/> changed; any change means the descriptor must be rebuilt.</summary>
[Flags]
public enum KeyRotation
{
    None = 0,
    SigningKey = 1,
    OnionKeys = 2,
    PreviousOnionKeysExpired = 4,
}
